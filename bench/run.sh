#!/usr/bin/env bash
# Generates the 2M-record benchmark archive (once), checks that replay's
# counts equal the generator's manifest, then runs the replay benchmark.
#   bench/run.sh [RECORDS]        (default 2000000)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
records="${1:-2000000}"
dir="${BENCH_DIR:-build/bench-data}"
mkdir -p "$dir"
archive="$dir/archive-$records.ndjson"
if [ ! -s "$archive" ]; then
  build/tools/datagen/civicflow-datagen --out "$archive" --manifest "$archive.manifest.json" \
    --records "$records" --seed 42
fi
build/civicflow replay --data-dir "$dir/replay" --threads 2 --shards 2 "$archive" | tail -n 4
node -e '
  const fs = require("fs");
  const [manifest, summary] = process.argv.slice(1).map(f => JSON.parse(fs.readFileSync(f)));
  let bad = 0;
  for (const key of new Set([...Object.keys(manifest.interfaces), ...Object.keys(summary.interfaces)]))
    for (const c of ["accepted", "rejected", "duplicates", "corrections"]) {
      const want = (manifest.interfaces[key] || {})[c] || 0, got = (summary.interfaces[key] || {})[c] || 0;
      if (want !== got) { console.log(`${key} ${c}: manifest ${want}, replay ${got}`); bad++; }
    }
  if (manifest.rejected_unknown !== summary.rejected_unknown) { console.log("rejected_unknown differs"); bad++; }
  console.log(bad ? `counts: ${bad} differences` : "counts: replay equals the manifest");
  process.exit(bad ? 1 : 0);
' "$archive.manifest.json" "$dir/replay/replay-summary.json"
# The iterate_many ceiling stops at a malformed line, so the timed archive is
# well-formed (duplicates, corrections, late and missing records stay in).
clean="$dir/archive-$records-wellformed.ndjson"
[ -s "$clean" ] || build/tools/datagen/civicflow-datagen --out "$clean" --records "$records" --seed 42 --invalid-rate 0
build/bench/replay_bench --archive "$clean" --benchmark_repetitions="${REPETITIONS:-3}" \
  --benchmark_report_aggregates_only=true
build/bench/operators_bench --archive "$clean"
# HTTP ingest: civicflow serve against nginx with the same prepared requests.
bench/http_bench.sh "${HTTP_RECORDS:-200000}"
# WAL group commit against one fdatasync per append, 1/16/64 writers (temp dir under build/).
build/bench/wal_bench
# Raw record tables as Parquet: our writer against DuckDB (ZSTD) and zstd -3 of the archive.
bench/parquet_bench.sh "$records"
# Metrics hot paths: per-thread counter cells against one shared atomic, histogram observe.
build/bench/metrics_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
