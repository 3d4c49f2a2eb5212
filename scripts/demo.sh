#!/usr/bin/env bash
# The main job on the embedded default: set up, generate a demo archive of
# all five platforms, replay it into Parquet segments, and show them.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
records="${RECORDS:-500000}"
data_dir="${DATA_DIR:-demo-data}"
mkdir -p "$data_dir"
build/tools/datagen/civicflow-datagen --out "$data_dir/archive.ndjson" --manifest "$data_dir/manifest.json" \
  --records "$records" --seed 7
build/civicflow replay --data-dir "$data_dir" "$data_dir/archive.ndjson"
seg() { build/tools/seg/civicflow-seg "$1" --data-dir "$data_dir" "${@:2}"; }
echo
seg stats
echo
echo "flow_hourly sample (additive rows; SUM(entries) per key is the total):"
seg cat --table flow_hourly | sed -n 1,4p  # reads to the end: no SIGPIPE under pipefail
echo
echo "parking_reconciliation sample (one row per hourly plate list):"
seg cat --table parking_reconciliation | sed -n 1,4p  # reads to the end: no SIGPIPE under pipefail
echo
# replenishCarInfo for the first lot and date that has problem plates.
first=$(seg cat --table parking_problem_plates | sed -n 2p)
if [ -n "$first" ]; then
  park=${first%%,*}
  rest=${first#*,}
  date=${rest%%,*}
  echo "civicflow replenish --data-dir $data_dir --park-code $park --date $date --page-size 5"
  build/civicflow replenish --data-dir "$data_dir" --park-code "$park" --date "$date" --page-size 5
fi
echo
echo "dead letters: $(wc -l < "$data_dir/dead-letter.ndjson") lines in $data_dir/dead-letter.ndjson"

# The same tables through civicflow serve: its query API and /metrics (the dashboard reads the former).
build/tools/loadgen/civicflow-loadgen make-accounts "$data_dir/accounts" >/dev/null
build/civicflow serve --listen 127.0.0.1:0 --data-dir "$data_dir" --accounts "$data_dir/accounts/accounts.json" \
  > "$data_dir/serve.log" 2>&1 &
serve_pid=$!
trap 'kill "$serve_pid" 2>/dev/null || true' EXIT
port=""
for _ in $(seq 100); do
  port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$data_dir/serve.log")
  [ -n "$port" ] && break
  sleep 0.1
done
echo
echo "GET /query/v1/flow?by=district (the first rows):"
curl -s "http://127.0.0.1:$port/query/v1/flow?by=district" | cut -c 1-300
echo
echo "GET /query/v1/parking?by=lot (the worst lot):"
curl -s "http://127.0.0.1:$port/query/v1/parking?by=lot" | cut -c 1-300
echo
echo "GET /metrics (segments and build):"
curl -s "http://127.0.0.1:$port/metrics" | grep -E '^civicflow_(segment|build)'
kill -TERM "$serve_pid" && wait "$serve_pid"
trap - EXIT
echo
echo "dashboard: build/civicflow serve --listen 127.0.0.1:8080 --data-dir $data_dir" \
  "--accounts $data_dir/accounts/accounts.json, then open http://127.0.0.1:8080/dashboard/"
