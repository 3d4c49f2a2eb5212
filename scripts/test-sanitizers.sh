#!/usr/bin/env bash
# Builds with AddressSanitizer + UndefinedBehaviorSanitizer and runs the test
# suite, any UB report failing it. The 1M-record reference comparison is left
# to the optimised build (scripts/test.sh): under sanitizers it would take long
# and exercises no code the other tests do not.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=build-asan BUILD_TYPE=RelWithDebInfo scripts/setup.sh -DCIVICFLOW_SANITIZE=ON
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1
export LSAN_OPTIONS="suppressions=$PWD/scripts/lsan-suppressions.txt"
ctest --test-dir build-asan --output-on-failure -j "$(nproc)" -E "Reference|ShardCount"
