#!/usr/bin/env bash
# The real `civicflow serve`, scraped by the real Prometheus (Debian's package):
#  1. serve starts on a free loopback port over a temp data dir; civicflow-loadgen
#     sends it a small civicflow-datagen archive with faults (so some uploads are
#     rejected);
#  2. its GET /metrics passes `promtool check metrics` with no problems and holds
#     every family of the metrics contract with its type;
#  3. a Prometheus scraping it every second (its own config, storage and port, the
#     repo's alerts.yml as rule file) reports the target up, civicflow_build_info,
#     and the request counters equal to what /metrics said once uploads stopped;
#     /api/v1/rules lists every alert of alerts.yml, evaluated without error.
# Every process it starts is killed on exit, also when a check fails (and, through
# PR_SET_PDEATHSIG, when the script itself is killed). Each wait has a deadline.
# Usage: scrape_test.sh CIVICFLOW LOADGEN DATAGEN ALERTS_YML
set -euo pipefail

civicflow="${1:?usage: scrape_test.sh CIVICFLOW LOADGEN DATAGEN ALERTS_YML}"
loadgen="${2:?}"
datagen="${3:?}"
alerts="$(realpath "${4:?}")"
for tool in promtool prometheus curl jq setpriv; do
  command -v "$tool" >/dev/null || { echo "$tool is missing (scripts/setup.sh installs it)" >&2; exit 1; }
done

work="$(mktemp -d "${TMPDIR:-/tmp}/civicflow-prometheus.XXXXXX")"
pids=()
failed=0
log_tails() {
  for f in "$work"/serve.out "$work"/serve.err "$work"/loadgen.err "$work"/prometheus.log; do
    [ -s "$f" ] && { echo "--- tail of $(basename "$f")"; tail -n 20 "$f"; }
  done
  return 0
}
cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if ((status != 0 || failed)); then log_tails; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
  echo "FAILED: $*" >&2
  failed=1
}
die() {
  echo "FAILED: $*" >&2
  exit 1
}
# Runs a command in the background that dies with this script; its pid is $!.
spawn() { setpriv --pdeathsig KILL "$@" & }
# A reaped child's pid is dropped, so the cleanup never signals a reused pid.
forget() {
  local kept=() pid
  for pid in "${pids[@]}"; do [ "$pid" = "$1" ] || kept+=("$pid"); done
  pids=("${kept[@]}")
}

# "platform outcome value" per series of a counter in exposition text (any label order).
exposition_series() {  # NAME FILE
  awk -v name="$1" '
    function label(s, key,   at, rest) {
      at = index(s, key "=\"")
      if (at == 0) return "-"
      rest = substr(s, at + length(key) + 2)
      return substr(rest, 1, index(rest, "\"") - 1)
    }
    index($0, name "{") == 1 { print label($0, "platform"), label($0, "outcome"), $NF }' "$2"
}
# Sums the values of "platform outcome value" lines by platform and outcome, leaving out
# platform "metrics" (every scrape adds to it), sorted: the view both sides must agree on.
by_platform_outcome() {
  awk '$1 != "metrics" { sum[$1 " " $2] += $3 } END { for (k in sum) printf "%s %.0f\n", k, sum[k] }' | sort
}

# --- 1. serve, and uploads with faults -------------------------------------------------------
timeout 60 "$datagen" --out "$work/archive.ndjson" --records 500 --days 1 --lots 5 --venues 5 \
  --communities 3 --sessions 2 --seed 5 --duplicate-rate 0.02 --correction-rate 0.01 --invalid-rate 0.05 >/dev/null
accounts="$(timeout 60 "$loadgen" make-accounts "$work/accounts")"

spawn "$civicflow" serve --listen 127.0.0.1:0 --data-dir "$work/data" --accounts "$accounts" \
  --shards 2 --io-threads 2 >"$work/serve.out" 2>"$work/serve.err"
serve_pid=$!
pids+=("$serve_pid")
port=""
for _ in $(seq 300); do  # 30 s
  port="$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/serve.out")"
  [ -n "$port" ] && break
  kill -0 "$serve_pid" 2>/dev/null || die "civicflow serve exited before listening"
  sleep 0.1
done
[ -n "$port" ] || die "civicflow serve did not listen within 30 s"
serve_url="http://127.0.0.1:$port"

timeout 120 "$loadgen" run --url "$serve_url" --accounts "$accounts" --connections 2 \
  "$work/archive.ndjson" >"$work/loadgen.out" 2>"$work/loadgen.err" || die "civicflow-loadgen run failed"
cat "$work/loadgen.out"

# --- 2. /metrics: promtool's lint and the contract's families --------------------------------
# A request is counted once answered: read /metrics until two reads agree on the requests
# (leaving out /metrics' own), so nothing counted late can differ from what Prometheus sees.
served_requests="" previous="-"
for _ in $(seq 50); do  # 10 s
  curl -sf --max-time 10 "$serve_url/metrics" >"$work/metrics.txt" || die "GET /metrics failed"
  served_requests="$(exposition_series civicflow_http_requests_total "$work/metrics.txt" | by_platform_outcome)"
  [ "$served_requests" = "$previous" ] && break
  previous="$served_requests"
  sleep 0.2
done
[ "$served_requests" = "$previous" ] || die "the request counters on /metrics do not settle"
problems="$(promtool check metrics <"$work/metrics.txt" 2>&1)" || fail "promtool check metrics exited non-zero"
[ -z "$problems" ] || fail "promtool check metrics: $problems"

# name and type of every family in the metrics contract; the PostgreSQL sink's appear only with --pg.
families=(
  civicflow_build_info:gauge
  civicflow_http_requests_total:counter
  civicflow_http_request_duration_seconds:histogram
  civicflow_http_connections:gauge
  civicflow_records_total:counter
  civicflow_end_to_end_latency_seconds:histogram
  civicflow_shard_queue_depth:gauge
  civicflow_shard_watermark_lag_seconds:gauge
  civicflow_dedup_keys:gauge
  civicflow_wal_bytes_total:counter
  civicflow_wal_fsync_duration_seconds:histogram
  civicflow_state_save_duration_seconds:histogram
  civicflow_state_bytes:gauge
  civicflow_segment_bytes_total:counter
  civicflow_segment_epoch:gauge
  civicflow_parking_lots_offline:gauge
  civicflow_parking_lots_online:gauge
)
for family in "${families[@]}"; do
  name="${family%%:*}" type="${family#*:}"
  grep -qxF "# TYPE $name $type" "$work/metrics.txt" || fail "/metrics has no '# TYPE $name $type'"
  grep -q "^${name}[{ _]" "$work/metrics.txt" || fail "/metrics has no sample of $name"
done

echo "requests on /metrics after the uploads (platform outcome count):"
echo "$served_requests"
grep -q ' rejected [1-9]' <<<"$served_requests" || fail "no request was counted as rejected"
grep -q ' ok [1-9]' <<<"$served_requests" || fail "no request was counted as ok"
served_rejected_records="$(exposition_series civicflow_records_total "$work/metrics.txt" |
  awk '$2 == "rejected" { n += $3 } END { printf "%.0f", n }')"
((served_rejected_records > 0)) || fail "civicflow_records_total counts no rejected record"
served_version="$(sed -n 's/^civicflow_build_info{.*version="\([^"]*\)".*} 1$/\1/p' "$work/metrics.txt")"
[ -n "$served_version" ] || fail "civicflow_build_info has no version label with value 1"

# --- 3. Prometheus scraping it ---------------------------------------------------------------
cat >"$work/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $alerts
scrape_configs:
  - job_name: civicflow
    metrics_path: /metrics
    static_configs:
      - targets: ["127.0.0.1:$port"]
EOF
promtool check config "$work/prometheus.yml" >/dev/null || die "the generated config is not valid"

# A free port: try random ones until Prometheus binds one (it exits at once if it cannot).
prom_url=""
for _ in 1 2 3 4 5 6 7 8; do
  prom_port=$((20000 + RANDOM % 40000))
  rm -rf "$work/prometheus-data"
  spawn prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/prometheus-data" \
    --web.listen-address="127.0.0.1:$prom_port" >"$work/prometheus.log" 2>&1
  prom_pid=$!
  pids+=("$prom_pid")
  for _ in $(seq 300); do  # 30 s
    kill -0 "$prom_pid" 2>/dev/null || break
    if curl -sf --max-time 2 "http://127.0.0.1:$prom_port/-/ready" >/dev/null; then
      prom_url="http://127.0.0.1:$prom_port"
      break
    fi
    sleep 0.1
  done
  [ -n "$prom_url" ] && kill -0 "$prom_pid" 2>/dev/null && break
  prom_url=""
  kill -KILL "$prom_pid" 2>/dev/null || true
  wait "$prom_pid" 2>/dev/null || true
  forget "$prom_pid"
  grep -q "address already in use" "$work/prometheus.log" || die "prometheus did not start"
done
[ -n "$prom_url" ] || die "prometheus found no free port"
echo "prometheus on $prom_url scraping $serve_url"

api() { curl -sf --max-time 5 "$prom_url/api/v1/$1" "${@:2}"; }
query() { api query --data-urlencode "query=$1"; }

health=""
for _ in $(seq 300); do  # 30 s
  health="$(api targets | jq -r '.data.activeTargets[] | select(.labels.job == "civicflow") | .health')" || true
  [ "$health" = "up" ] && break
  sleep 0.1
done
[ "$health" = "up" ] || die "the civicflow target is not up in Prometheus (health: '$health')"

build_info="$(query civicflow_build_info | jq -r '.data.result[] | "\(.metric.version) \(.value[1])"')"
[ "$build_info" = "$served_version 1" ] ||
  fail "Prometheus has civicflow_build_info '$build_info', /metrics version '$served_version' value 1"

prom_requests="$(query 'sum by (platform, outcome) (civicflow_http_requests_total{platform!="metrics"})' |
  jq -r '.data.result[] | "\(.metric.platform // "-") \(.metric.outcome // "-") \(.value[1])"' | by_platform_outcome)"
[ "$prom_requests" = "$served_requests" ] ||
  fail "requests in Prometheus differ from /metrics:"$'\n'"$(diff <(echo "$served_requests") <(echo "$prom_requests"))"
served_total="$(awk '{ n += $3 } END { printf "%.0f", n }' <<<"$served_requests")"
prom_total="$(query 'sum(civicflow_http_requests_total{platform!="metrics"})' | jq -r '.data.result[0].value[1]')"
[ "$prom_total" = "$served_total" ] || fail "sum(civicflow_http_requests_total): Prometheus $prom_total, /metrics $served_total"
echo "sum(civicflow_http_requests_total{platform!=\"metrics\"}): Prometheus $prom_total, /metrics $served_total"

# Every alert of alerts.yml is loaded and evaluated without error ("ok", not "unknown" or "err").
expected_alerts="$(sed -n 's/^ *- alert: *\([A-Za-z]*\).*/\1/p' "$alerts" | sort)"
[ -n "$expected_alerts" ] || die "no alert found in $alerts"
expected_rules="$(sed -n 's/.*/& ok/p' <<<"$expected_alerts")"
rules=""
for _ in $(seq 100); do  # 10 s
  rules="$(api rules | jq -r '.data.groups[].rules[] | select(.type == "alerting") | "\(.name) \(.health)"' | sort)" || true
  [ "$rules" = "$expected_rules" ] && break
  sleep 0.1
done
[ "$rules" = "$expected_rules" ] ||
  fail "/api/v1/rules (name health):"$'\n'"$rules"$'\n'"expected every one of:"$'\n'"$expected_alerts"
echo "alert rules loaded and healthy: ${expected_alerts//$'\n'/ }"

# A clean stop: SIGTERM drains and exits 0.
kill -TERM "$serve_pid"
if timeout 60 tail --pid="$serve_pid" -f /dev/null; then
  serve_status=0
  wait "$serve_pid" || serve_status=$?
  forget "$serve_pid"
  ((serve_status == 0)) || fail "civicflow serve exited $serve_status after SIGTERM"
else
  fail "civicflow serve did not stop within 60 s of SIGTERM"
fi

((failed == 0)) || exit 1
echo "PASSED"
