#!/usr/bin/env bash
# Runs every benchmark and regenerates docs/performance.md. Not part of the test run. See docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 bench/run.py "$@"
