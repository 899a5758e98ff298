#!/usr/bin/env bash
# Runs the fault-injection and load tests and regenerates docs/reliability.md from their figures.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 bench/reliability.py "$@"
