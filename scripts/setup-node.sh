#!/usr/bin/env bash
# Installs the npm packages civicflow builds and tests with into build-node/ (or $CIVICFLOW_NODE_PREFIX):
# DuckDB for Node (@duckdb/node-api), the real reader the Parquet tests hold our files against; ECharts, which the
# dashboard embeds; playwright-core, which drives Debian's chromium in the dashboard test.
# Installs Debian's nodejs and npm first where node or npm is missing. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

prefix="${CIVICFLOW_NODE_PREFIX:-$PWD/build-node}"
packages=("@duckdb/node-api@1.5.6-r.1" "echarts@6.1.0" "playwright-core@1.65.1")

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nodejs npm
fi

missing=()
for package in "${packages[@]}"; do
  name="${package%@*}" version="${package##*@}"
  installed="$(cd "$prefix" 2>/dev/null &&
    node -p "require('./node_modules/$name/package.json').version" 2>/dev/null || true)"
  [ "$installed" = "$version" ] || missing+=("$package")
done
if ((${#missing[@]})); then
  mkdir -p "$prefix"
  npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error "${missing[@]}" >/dev/null
fi
