#!/usr/bin/env bash
# A long run under the agent (an hour by default), sampled for heap, RSS, threads and losses; writes docs/soak.md.
# Not part of the test run. Options: --minutes N --rate CONNECTIONS_PER_SECOND --sample SECONDS
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 bench/soak.py "$@"
