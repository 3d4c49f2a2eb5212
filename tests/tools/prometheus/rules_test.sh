#!/usr/bin/env bash
# The Prometheus configuration and alert rules of tools/prometheus/ are valid
# for Debian's promtool, and the alerts' unit tests (alerts_test.yml) pass.
# Usage: rules_test.sh TOOLS_PROMETHEUS_DIR
set -euo pipefail
dir="${1:?usage: rules_test.sh TOOLS_PROMETHEUS_DIR}"
command -v promtool >/dev/null || { echo "promtool is missing (scripts/setup.sh installs prometheus)" >&2; exit 1; }
cd "$dir"
promtool check config prometheus.yml
promtool check rules alerts.yml
promtool test rules alerts_test.yml
