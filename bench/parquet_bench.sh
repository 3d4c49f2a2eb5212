#!/usr/bin/env bash
# Parquet segments benchmark: the raw record tables of an archive written by
# our writer (build/bench/parquet_bench, one file per raw table, ZSTD level 3),
# side by side in the same run with DuckDB writing the same rows to Parquet
# (ZSTD) and with `zstd -3` of the archive NDJSON. Targets: our files <= 0.8x
# DuckDB's size, written faster than DuckDB.
#   bench/parquet_bench.sh [RECORDS]      (default 2000000)
# The archive is generated as bench/run.sh does (well-formed, seed 42), reused
# when present. MB/s is always of the archive NDJSON's size (MB = 10^6 bytes):
# every contender is credited with the same input.
#   ours          records parsed into memory first (not timed); timed: every raw
#                 table's file written, from creating the writers to closing them
#                 (fsync included), one thread; then again with the tables split
#                 between 2 threads (DuckDB uses both cores)
#   DuckDB copy   per table, COPY (SELECT * FROM read_json('<table>.ndjson',
#                 columns={…})) TO '<table>.parquet' (FORMAT parquet, COMPRESSION
#                 zstd), times summed: reads the flat NDJSON parquet_bench wrote
#                 (the same rows, the same column names and types)
#   DuckDB memory the same rows loaded into DuckDB tables first (not timed), then
#                 only COPY <table> TO … — the closest to what ours times
#   zstd -3       the archive NDJSON, one thread
# Environment: BUILD_DIR (build), BENCH_DIR (build/bench-data).
set -euo pipefail
cd "$(dirname "$0")/.."
records="${1:-2000000}"
build="${BUILD_DIR:-build}"
dir="${BENCH_DIR:-build/bench-data}"
bench="$build/bench/parquet_bench"
datagen="$build/tools/datagen/civicflow-datagen"
[ -x "$bench" ] || { echo "parquet_bench: $bench is missing (build first)" >&2; exit 1; }
command -v zstd >/dev/null || { echo "parquet_bench: zstd is missing (apt-get install zstd)" >&2; exit 1; }

mkdir -p "$dir"
archive="$dir/archive-$records-wellformed.ndjson"
if [ ! -s "$archive" ]; then
  [ -x "$datagen" ] || { echo "parquet_bench: $datagen is missing (build first)" >&2; exit 1; }
  "$datagen" --out "$archive" --records "$records" --seed 42 --invalid-rate 0
fi
out="$dir/parquet-$records"
mkdir -p "$out"

echo "== ours: $bench --archive $archive --out $out"
"$bench" --archive "$archive" --out "$out"
echo "== ours, tables split between 2 threads: $bench --archive $archive --out $out/threads-2 --threads 2 --no-ndjson"
"$bench" --archive "$archive" --out "$out/threads-2" --threads 2 --no-ndjson | grep '^ours'

echo "== DuckDB: node bench/parquet_duckdb.mjs $out"
node bench/parquet_duckdb.mjs "$out" > "$out/duckdb.json"

echo "== zstd -3 -T1 of the archive"
start=$(date +%s%N)
zstd -3 -T1 -q -f "$archive" -o "$out/archive.ndjson.zst"
end=$(date +%s%N)
printf '{"seconds":%s,"bytes":%s}\n' "$(((end - start) / 1000000))e-3" \
  "$(stat -c %s "$out/archive.ndjson.zst")" > "$out/zstd.json"

node -e '
  const fs = require("fs");
  const [dir] = process.argv.slice(1);
  const read = (f) => JSON.parse(fs.readFileSync(`${dir}/${f}`, "utf8"));
  const ours = read("ours.json"), ours2 = read("threads-2/ours.json"), duck = read("duckdb.json"), zstd = read("zstd.json");
  const mb = ours.bytes_in / 1e6;
  const rows = [
    ["ours (civicflow writer, 1 thread)", ours.seconds, ours.bytes_out],
    ["ours, tables split between 2 threads", ours2.seconds, ours2.bytes_out],
    [`DuckDB ${duck.duckdb} COPY from read_json (${duck.threads} threads)`, duck.copy.seconds, duck.copy.bytes],
    [`DuckDB ${duck.duckdb} COPY from memory (${duck.threads} threads)`, duck.memory.seconds, duck.memory.bytes],
    ["zstd -3 of the archive NDJSON (1 thread)", zstd.seconds, zstd.bytes],
  ];
  console.log(`\narchive: ${ours.bytes_in} bytes, ${ours.rows} rows into ${Object.keys(ours.tables).length} raw tables` +
              ` (ours: CPU ${ours.cpu_seconds.toFixed(2)} s of ${ours.seconds.toFixed(2)} s wall)`);
  console.log("| writer | seconds | MB/s of archive | bytes out | of archive | vs DuckDB copy size |");
  console.log("|---|---|---|---|---|---|");
  for (const [name, s, b] of rows)
    console.log(`| ${name} | ${s.toFixed(2)} | ${(mb / s).toFixed(1)} | ${b.toLocaleString("en-US")} | ` +
                `${(100 * b / ours.bytes_in).toFixed(2)} % | ${(b / duck.copy.bytes).toFixed(3)} |`);
  const size = ours.bytes_out / duck.copy.bytes;
  console.log(`\ntarget size <= 0.8x DuckDB: ${size.toFixed(3)}x (copy), ` +
              `${(ours.bytes_out / duck.memory.bytes).toFixed(3)}x (memory): ${size <= 0.8 ? "met" : "NOT met"}`);
  const best = Math.min(ours.seconds, ours2.seconds);
  console.log(`target faster than DuckDB: ours ${ours.seconds.toFixed(2)} s (1 thread), ${ours2.seconds.toFixed(2)} s ` +
              `(2 threads) vs copy ${duck.copy.seconds.toFixed(2)} s (${best < duck.copy.seconds ? "met" : "NOT met"}), ` +
              `vs memory ${duck.memory.seconds.toFixed(2)} s (${best < duck.memory.seconds ? "met" : "NOT met"})`);
  console.log("\nlargest tables: rows, ours bytes, DuckDB copy bytes, ratio");
  const tables = Object.entries(ours.tables).sort((a, b) => b[1].bytes - a[1].bytes).slice(0, 12);
  for (const [t, v] of tables) {
    const d = duck.tables[t].copy_bytes;
    console.log(`  ${t.padEnd(48)} ${String(v.rows).padStart(9)} ${String(v.bytes).padStart(11)} ${String(d).padStart(11)} ${(v.bytes / d).toFixed(2)}`);
  }
' "$out"
