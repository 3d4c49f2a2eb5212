#!/usr/bin/env bash
# Installs DuckDB for Node (npm @duckdb/node-api), the real reader the Parquet tests hold our files
# against (tests/storage/parquet/duckdb_read.mjs), into build-node/ or $CIVICFLOW_NODE_PREFIX.
# Installs Debian's nodejs and npm first where node or npm is missing. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

prefix="${CIVICFLOW_NODE_PREFIX:-$PWD/build-node}"
version="1.5.6-r.1"

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nodejs npm
fi

installed="$(cd "$prefix" 2>/dev/null &&
  node -p "require('./node_modules/@duckdb/node-api/package.json').version" 2>/dev/null || true)"
if [ "$installed" != "$version" ]; then
  mkdir -p "$prefix"
  npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error "@duckdb/node-api@$version" >/dev/null
fi
