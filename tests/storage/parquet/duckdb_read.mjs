// Reads a Parquet file with DuckDB (npm @duckdb/node-api) and prints, as one
// JSON object, what DuckDB sees: DESCRIBE, every row with each value cast to
// VARCHAR (null stays null), per-column counts, and parquet_metadata() per
// column chunk. Used by parquet_duckdb_test.cc; handy by hand too:
//
//   node tests/storage/parquet/duckdb_read.mjs FILE.parquet
//
// @duckdb/node-api is found under $CIVICFLOW_NODE_PREFIX, by default
// <repo>/build-node (scripts/setup-node.sh installs it there).
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const file = process.argv[2];
if (!file) {
  console.error('usage: node duckdb_read.mjs FILE.parquet');
  process.exit(2);
}
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const prefix = process.env.CIVICFLOW_NODE_PREFIX || path.join(repo, 'build-node');
const { DuckDBInstance } = createRequire(path.join(prefix, 'package.json'))('@duckdb/node-api');

const instance = await DuckDBInstance.create(':memory:');
const db = await instance.connect();
const quoted = `'${file.replaceAll("'", "''")}'`;
const rowsOf = async (sql) => (await db.runAndReadAll(sql)).getRowObjectsJson();

const describe = (await rowsOf(`DESCRIBE SELECT * FROM read_parquet(${quoted})`)).map((r) => ({
  name: r.column_name,
  type: r.column_type,
}));
const names = describe.map((c) => `"${c.name.replaceAll('"', '""')}"`);
const rows = (await db.runAndReadAll(`SELECT ${names.map((n) => `${n}::VARCHAR`).join(', ')}
                                      FROM read_parquet(${quoted})`)).getRowsJson();
const [counts] = await rowsOf(`SELECT count(*)::BIGINT AS "rows", ${names.map((n, i) => `count(${n})::BIGINT AS c${i}`).join(', ')}
                               FROM read_parquet(${quoted})`);
const metadata = await rowsOf(`
  SELECT row_group_id::BIGINT AS row_group, row_group_num_rows::BIGINT AS row_group_rows, column_id::BIGINT AS column,
         path_in_schema, type, compression, encodings, num_values::BIGINT AS num_values,
         stats_min_value, stats_max_value, stats_null_count::BIGINT AS null_count,
         dictionary_page_offset::BIGINT AS dictionary_page_offset, data_page_offset::BIGINT AS data_page_offset,
         total_compressed_size::BIGINT AS total_compressed_size
  FROM parquet_metadata(${quoted}) ORDER BY row_group_id, column_id`);
const [fileMetadata] = await rowsOf(`SELECT created_by, num_rows::BIGINT AS num_rows, num_row_groups::BIGINT AS num_row_groups
                                     FROM parquet_file_metadata(${quoted})`);

const asNumber = (v) => (v === null || v === undefined ? v : Number(v));
console.log(JSON.stringify({
  file,
  describe,
  rows,
  counts: { rows: asNumber(counts.rows), non_null: names.map((_, i) => asNumber(counts[`c${i}`])) },
  metadata: metadata.map((m) => ({
    ...m,
    row_group: asNumber(m.row_group),
    row_group_rows: asNumber(m.row_group_rows),
    column: asNumber(m.column),
    num_values: asNumber(m.num_values),
    null_count: asNumber(m.null_count),
    dictionary_page_offset: asNumber(m.dictionary_page_offset),
    data_page_offset: asNumber(m.data_page_offset),
    total_compressed_size: asNumber(m.total_compressed_size),
  })),
  file_metadata: {
    created_by: fileMetadata.created_by,
    num_rows: asNumber(fileMetadata.num_rows),
    num_row_groups: asNumber(fileMetadata.num_row_groups),
  },
}));
