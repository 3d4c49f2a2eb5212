// Runs SQL in DuckDB (npm @duckdb/node-api) and prints the result rows as one
// JSON array of arrays of text (NULL as null). For tests that hold our
// segments against a real reader:
//
//   node tests/storage/segments/duckdb_query.mjs "SELECT … FROM read_parquet('DIR/segments/T/*/*.parquet')"
//
// @duckdb/node-api is found under $CIVICFLOW_NODE_PREFIX, by default
// <repo>/build-node (scripts/setup-node.sh installs it there).
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const sql = process.argv[2];
if (!sql) {
  console.error('usage: node duckdb_query.mjs SQL');
  process.exit(2);
}
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const prefix = process.env.CIVICFLOW_NODE_PREFIX || path.join(repo, 'build-node');
const { DuckDBInstance } = createRequire(path.join(prefix, 'package.json'))('@duckdb/node-api');
const db = await (await DuckDBInstance.create(':memory:')).connect();
const rows = (await db.runAndReadAll(sql)).getRowsJson();
console.log(JSON.stringify(rows.map((row) => row.map((v) => (v === null ? null : String(v))))));
