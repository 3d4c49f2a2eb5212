#!/usr/bin/env bash
# Installs the Debian 12 packages civicflow builds and tests with, then
# configures and builds it. Idempotent: installs only what is missing.
# BUILD_DIR and BUILD_TYPE choose the build; extra arguments go to cmake.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  g++ cmake ninja-build          # toolchain
  libsimdjson-dev                # JSON parsing
  libtbb-dev                     # oneTBB: shard arenas, parse pipeline
  libgtest-dev                   # unit and integration tests
  libbenchmark-dev               # bench/
  libboost-dev                   # Boost.Beast / Asio: the HTTP server and client
  libssl-dev                     # OpenSSL 3: the platforms' ciphers and digests (ingest/crypto)
  libpqxx-dev postgresql pkg-config  # the PostgreSQL sink (storage/pg) and its tests' throwaway cluster
  libzstd-dev                    # zstd: Parquet page compression (storage/parquet)
  clang-format                   # format check
  prometheus                     # promtool and the Prometheus server the metrics tests scrape /metrics with
  curl jq                        # the Prometheus test's HTTP client and JSON reader (its HTTP API)
  chromium                       # headless browser the dashboard test drives (npm playwright-core)
  fonts-wqy-microhei             # a CJK font, so the dashboard's Chinese renders in its screenshots
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm: DuckDB (the Parquet tests' reader), ECharts (built into the dashboard), playwright-core.
scripts/setup-node.sh

build_dir="${BUILD_DIR:-build}"
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-Release}" "$@" >/dev/null
cmake --build "$build_dir" -j "$(nproc)"
