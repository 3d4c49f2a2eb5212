#!/usr/bin/env bash
# HTTP ingest benchmark: civicflow serve against nginx answering every request
# with a constant {"code":0}, fed the same archive by civicflow-loadgen over
# keep-alive connections, one record per request (--batch 1) and 100 records
# per request (--batch 100). Each mode gets a fresh civicflow (new data dir),
# so every record is new to it. Prints both side by side against the targets:
# civicflow's single-record request rate >= 50 % of nginx's, batched >= 500k
# records/s. A third reference bounds the batched mode from the engine's side:
# `civicflow replay` of the same batched records (no HTTP, no auth or crypto,
# no WAL) on the same shards — no HTTP front can take records faster than the
# engine behind it processes them.
#   bench/http_bench.sh [RECORDS]      (default 200000)
# Environment: BATCH_RECORDS (1000000: the archive the batchable uploads are taken from), BUILD_DIR (build), CONNECTIONS (64), IO_THREADS (2), SHARDS (2),
# NGINX_WORKERS (2), MODES ("1 100": the --batch modes to run; the summary needs both), BENCH_DIR (a fresh temporary directory, removed at the end).
set -euo pipefail
cd "$(dirname "$0")/.."
records="${1:-200000}"
batch_records="${BATCH_RECORDS:-1000000}"
build="${BUILD_DIR:-build}"
connections="${CONNECTIONS:-64}"
io_threads="${IO_THREADS:-2}"
shards="${SHARDS:-2}"
nginx_workers="${NGINX_WORKERS:-2}"
civicflow="$build/civicflow"
datagen="$build/tools/datagen/civicflow-datagen"
loadgen="$build/tools/loadgen/civicflow-loadgen"
for binary in "$civicflow" "$datagen" "$loadgen"; do
  [ -x "$binary" ] || { echo "http_bench: $binary is missing (build first)" >&2; exit 1; }
done

nginx_bin="$(command -v nginx || true)"
[ -n "$nginx_bin" ] || [ ! -x /usr/sbin/nginx ] || nginx_bin=/usr/sbin/nginx
if [ -z "$nginx_bin" ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nginx-light
  nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
fi

if [ -n "${BENCH_DIR:-}" ]; then
  dir="$BENCH_DIR"; keep_dir=1; mkdir -p "$dir"
else
  dir="$(mktemp -d /tmp/civicflow-http-bench.XXXXXX)"; keep_dir=0
fi
civicflow_pid=""; nginx_pid=""
stop_all() {
  [ -z "$civicflow_pid" ] || kill -TERM "$civicflow_pid" 2>/dev/null || true
  [ -z "$nginx_pid" ] || kill -TERM "$nginx_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  [ "$keep_dir" -eq 1 ] || rm -rf "$dir"
}
trap stop_all EXIT

# A loopback port nobody listens on, from $1 upwards.
free_port() {
  local port="$1"
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  echo "$port"
}
# Waits until something accepts connections on the port (or the process dies).
wait_for_port() {
  local port="$1" pid="$2" name="$3"
  for _ in $(seq 1 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || { echo "http_bench: $name exited during start" >&2; return 1; }
    sleep 0.1
  done
  echo "http_bench: $name does not listen on $port" >&2; return 1
}

archive="$dir/archive-$records.ndjson"
"$datagen" --out "$archive" --records "$records" --seed 42 --invalid-rate 0
# Batched mode sends what management systems batch: parking enter/exit `data`
# lists and fitness gate and card-scan arrays, from a larger archive.
batch_archive="$dir/batchable-$batch_records.ndjson"
"$datagen" --out "$dir/archive-$batch_records.ndjson" --records "$batch_records" --seed 43 --invalid-rate 0
grep -E '"interface":"(enterRecord|exitRecord|syncGatebrakeFlowData|syncGardScrnningcodeFlowData)"' \
  "$dir/archive-$batch_records.ndjson" >"$batch_archive"
"$loadgen" make-accounts "$dir/accounts" >/dev/null
accounts="$dir/accounts/accounts.json"

civicflow_port="$(free_port 18480)"
nginx_port="$(free_port $((civicflow_port + 1)))"
mkdir -p "$dir/nginx"
cat >"$dir/nginx/nginx.conf" <<EOF
daemon off;
worker_processes $nginx_workers;
pid $dir/nginx/nginx.pid;
error_log $dir/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $dir/nginx/body;
  proxy_temp_path $dir/nginx/proxy;
  fastcgi_temp_path $dir/nginx/fastcgi;
  uwsgi_temp_path $dir/nginx/uwsgi;
  scgi_temp_path $dir/nginx/scgi;
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  client_max_body_size 64m;
  client_body_buffer_size 1m;
  server {
    listen 127.0.0.1:$nginx_port;
    default_type application/json;
    location / { return 200 '{"code":0}'; }
  }
}
EOF
"$nginx_bin" -c "$dir/nginx/nginx.conf" -p "$dir/nginx" &
nginx_pid=$!
wait_for_port "$nginx_port" "$nginx_pid" nginx

serve_flags=(--listen "127.0.0.1:$civicflow_port" --accounts "$accounts")
serve_usage="$("$civicflow" serve --help 2>&1 || true)"
[[ "$serve_usage" != *--io-threads* ]] || serve_flags+=(--io-threads "$io_threads")
[[ "$serve_usage" != *--shards* ]] || serve_flags+=(--shards "$shards")

# Starts civicflow on a fresh data dir; stops it with SIGTERM, which must exit 0.
start_civicflow() {
  "$civicflow" serve "${serve_flags[@]}" --data-dir "$dir/data-$1" >"$dir/serve-$1.log" 2>&1 &
  civicflow_pid=$!
  wait_for_port "$civicflow_port" "$civicflow_pid" "civicflow serve"
}
# Also prints the server's CPU time (user + system, all threads) for the mode.
stop_civicflow() {
  local ticks
  ticks="$(awk '{print $14 + $15}' "/proc/$civicflow_pid/stat")"
  echo "civicflow serve CPU: $(awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }') s"
  kill -TERM "$civicflow_pid"
  local status=0
  wait "$civicflow_pid" || status=$?
  civicflow_pid=""
  if [ "$status" -ne 0 ]; then
    echo "http_bench: civicflow serve exited $status after SIGTERM:" >&2
    tail -n 5 "$dir/serve-$1.log" >&2
    return 1
  fi
  tail -n 1 "$dir/serve-$1.log"
}

url="http://127.0.0.1:$civicflow_port"
for batch in ${MODES:-1 100}; do
  start_civicflow "batch$batch"
  for target in civicflow nginx; do
    send_to="$url"; [ "$target" = civicflow ] || send_to="http://127.0.0.1:$nginx_port"
    echo "== --batch $batch, $target"
    "$loadgen" run --url "$url" --send-to "$send_to" --accounts "$accounts" --connections "$connections" \
      --batch "$batch" --json "$dir/$target-batch$batch.json" "$([ "$batch" = 1 ] && echo "$archive" || echo "$batch_archive")" |
      grep -v "reply "
  done
  stop_civicflow "batch$batch"
done

[ "${MODES:-1 100}" = "1 100" ] || exit 0
echo "== engine alone: civicflow replay of the batched records"
"$civicflow" replay --data-dir "$dir/data-replay" --threads "$io_threads" --shards "$shards" "$batch_archive" 2>&1 |
  grep "records/s" | tee "$dir/replay.txt"
node -e '
  const fs = require("fs");
  const [dir, connections] = process.argv.slice(1);
  const r = (t, b) => JSON.parse(fs.readFileSync(`${dir}/${t}-batch${b}.json`));
  const c1 = r("civicflow", 1), n1 = r("nginx", 1), c100 = r("civicflow", 100), n100 = r("nginx", 100);
  const k = x => (x / 1000).toFixed(1) + "k";
  const lat = x => `${x.latency_ms.p50.toFixed(2)}/${x.latency_ms.p99.toFixed(2)}/${x.latency_ms.p999.toFixed(2)}`;
  const row = (cells) => console.log(cells.map((c, i) => String(c).padEnd(i ? 20 : 30)).join("").trimEnd());
  console.log(`\nHTTP ingest, same prepared requests, ${connections} keep-alive connections ` +
              `(requests/s, records/s; latency p50/p99/p999 ms)`);
  row(["", "civicflow", "nginx", "civicflow/nginx"]);
  row(["single record: requests/s", k(c1.requests_per_second), k(n1.requests_per_second),
       (100 * c1.requests_per_second / n1.requests_per_second).toFixed(0) + " %"]);
  row(["single record: latency", lat(c1), lat(n1), ""]);
  row(["batch 100: records/s", k(c100.records_per_second), k(n100.records_per_second),
       (100 * c100.records_per_second / n100.records_per_second).toFixed(0) + " %"]);
  row(["batch 100: requests/s", k(c100.requests_per_second), k(n100.requests_per_second), ""]);
  row(["batch 100: latency", lat(c100), lat(n100), ""]);
  for (const [name, x] of [["single record", c1], ["batch 100", c100]])
    console.log(`civicflow ${name}: ${x.accepted_records} of ${x.records} records accepted, ` +
                `${x.transport_errors} transport errors`);
  const single = c1.requests_per_second / n1.requests_per_second, batched = c100.records_per_second;
  console.log(`target single-record request rate >= 50 % of nginx: ${(100 * single).toFixed(0)} % — ` +
              (single >= 0.5 ? "met" : "not met"));
  console.log(`target batched records/s >= 500k: ${k(batched)} — ${batched >= 500000 ? "met" : "not met"}`);
  const replay = Number(fs.readFileSync(`${dir}/replay.txt`, "utf8").match(/([0-9.]+) records\/s/)[1]);
  console.log(`engine alone (replay of the batched records, no HTTP): ${k(replay)} records/s — ` +
              `the ceiling for batched ingest on this machine`);
' "$dir" "$connections"
