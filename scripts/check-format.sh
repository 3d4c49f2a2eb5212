#!/usr/bin/env bash
# Fails if any of our C++ sources differs from .clang-format.
set -euo pipefail
cd "$(dirname "$0")/.."
git ls-files '*.cc' '*.h' | xargs clang-format --dry-run --Werror
echo "format: ok"
