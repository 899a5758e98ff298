#!/usr/bin/env bash
# What the browser test (mvn -B -ntp verify -Pbrowser -pl browser-e2e) needs beyond the build:
# Debian's chromium and chromium-driver (the test drives /usr/bin/chromium through /usr/bin/chromedriver with
# Selenium from Maven Central; nothing downloads a browser), and python3 for ./demo.sh.
# Idempotent: installs only what is missing, and says what it did.
set -euo pipefail

need=""
for pair in chromium:/usr/bin/chromium chromium-driver:/usr/bin/chromedriver python3:python3; do
  package=${pair%%:*} tool=${pair#*:}
  if command -v "$tool" >/dev/null 2>&1; then
    echo "browser-deps: $package already there ($(command -v "$tool"))"
  else
    need="$need $package"
  fi
done

if [ -n "$need" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "browser-deps: missing:$need; run this as root (apt-get install -y$need)" >&2
    exit 1
  fi
  echo "browser-deps: installing:$need"
  log=$(mktemp)
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need; } >"$log" 2>&1; then
    tail -20 "$log" >&2
    rm -f "$log"
    echo "browser-deps: apt-get could not install:$need" >&2
    exit 1
  fi
  rm -f "$log"
fi

# chromium's wrapper script prints a shell warning on some systems; the version line is what matters
echo "browser-deps: $(/usr/bin/chromium --version 2>/dev/null | head -1)"
echo "browser-deps: $(/usr/bin/chromedriver --version 2>/dev/null | head -1)"
echo "browser-deps: $(python3 --version 2>&1)"
