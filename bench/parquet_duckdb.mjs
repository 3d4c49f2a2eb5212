// DuckDB writing the raw tables to Parquet (ZSTD) from the flat NDJSON that
// parquet_bench writes (DIR/ndjson/<table>.ndjson + <table>.columns.json):
//   node bench/parquet_duckdb.mjs DIR
// For every table, timed on its own:
//   copy:   COPY (SELECT * FROM read_json('<table>.ndjson', columns={…})) TO '<table>.parquet'
//           (FORMAT parquet, COMPRESSION zstd)   — what the issue names: JSON reading included;
//   memory: the same rows loaded into a DuckDB table first (not timed), then only
//           COPY <table> TO '…' (FORMAT parquet, COMPRESSION zstd) — records already in memory,
//           as parquet_bench times ours.
// Prints one JSON object: totals and per-table seconds and bytes.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node parquet_duckdb.mjs DIR');
  process.exit(2);
}
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const prefix = process.env.CIVICFLOW_NODE_PREFIX || path.join(repo, 'build-node');
const { DuckDBInstance } = createRequire(path.join(prefix, 'package.json'))('@duckdb/node-api');

const instance = await DuckDBInstance.create(':memory:');
const db = await instance.connect();
const [{ threads }] = (await db.runAndReadAll(`SELECT current_setting('threads')::BIGINT AS threads`)).getRowObjectsJson();
const [{ version }] = (await db.runAndReadAll(`SELECT version() AS version`)).getRowObjectsJson();

const quote = (s) => `'${s.replaceAll("'", "''")}'`;
const ident = (s) => `"${s.replaceAll('"', '""')}"`;
const input = path.join(dir, 'ndjson');
const outDir = path.join(dir, 'duckdb');
const memDir = path.join(dir, 'duckdb-memory');
for (const d of [outDir, memDir]) {
  fs.rmSync(d, { recursive: true, force: true });
  fs.mkdirSync(d, { recursive: true });
}

const tables = fs.readdirSync(input).filter((f) => f.endsWith('.ndjson')).map((f) => f.slice(0, -'.ndjson'.length)).sort();
const result = { duckdb: version, threads: Number(threads), copy: { seconds: 0, bytes: 0 }, memory: { seconds: 0, bytes: 0 }, tables: {} };
for (const table of tables) {
  const columns = JSON.parse(fs.readFileSync(path.join(input, `${table}.columns.json`), 'utf8'));
  const spec = Object.entries(columns).map(([name, type]) => `${quote(name)}: ${quote(type)}`).join(', ');
  const source = `read_json(${quote(path.join(input, `${table}.ndjson`))}, format = 'newline_delimited', columns = {${spec}})`;

  const copyFile = path.join(outDir, `${table}.parquet`);
  let t0 = performance.now();
  await db.run(`COPY (SELECT * FROM ${source}) TO ${quote(copyFile)} (FORMAT parquet, COMPRESSION zstd)`);
  const copySeconds = (performance.now() - t0) / 1000;

  await db.run(`CREATE OR REPLACE TABLE ${ident(table)} AS SELECT * FROM ${source}`);
  const memFile = path.join(memDir, `${table}.parquet`);
  t0 = performance.now();
  await db.run(`COPY ${ident(table)} TO ${quote(memFile)} (FORMAT parquet, COMPRESSION zstd)`);
  const memSeconds = (performance.now() - t0) / 1000;
  await db.run(`DROP TABLE ${ident(table)}`);

  const copyBytes = fs.statSync(copyFile).size;
  const memBytes = fs.statSync(memFile).size;
  result.copy.seconds += copySeconds;
  result.copy.bytes += copyBytes;
  result.memory.seconds += memSeconds;
  result.memory.bytes += memBytes;
  result.tables[table] = { copy_seconds: copySeconds, copy_bytes: copyBytes, memory_seconds: memSeconds, memory_bytes: memBytes };
}
console.log(JSON.stringify(result));
