#!/usr/bin/env bash
# sockwatch metrics demo: the sample app ends loopback connections in every way it knows, under the agent, which
# serves its metrics for scraping (otel.metrics.exporter=prometheus); Debian's Prometheus, started here on loopback,
# scrapes them every second. Then Prometheus' HTTP API is asked for the endings by role and origin and they are
# compared with what the scenarios expect. The last line says how many counts match.
#
#   ./demo-metrics.sh [--port N] [--metrics-port N] [--keep] [--scenario NAME[,NAME...]]
#
#   --port N          Prometheus on 127.0.0.1:N (default 9090)
#   --metrics-port N  the agent's scrape endpoint on 127.0.0.1:N (default 9464)
#   --keep            leave Prometheus running at the end, to query it in its UI (the PID is printed)
#   --scenario X      run these sample-app scenarios instead of "all"
#
# Needs JDK 17+, Maven, python3 and Debian's prometheus (apt-get install prometheus). Exit status 0 only when every
# count matches. Ctrl-C stops everything this script started.
set -euo pipefail
cd "$(dirname "$0")"

PORT=9090
METRICS_PORT=9464
KEEP=false
SCENARIOS=all
JAVA=${JAVA:-java}

usage() { sed -n '2,/^[^#]/{/^#/s/^# \{0,1\}//p;}' "$0"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --port) PORT=${2:?--port needs a number}; shift 2 ;;
    --metrics-port) METRICS_PORT=${2:?--metrics-port needs a number}; shift 2 ;;
    --keep) KEEP=true; shift ;;
    --scenario) SCENARIOS=${2:?--scenario needs a name}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "demo-metrics.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
for p in "$PORT" "$METRICS_PORT"; do
  case "$p" in ''|*[!0-9]*) echo "demo-metrics.sh: ports are numbers, not '$p'" >&2; exit 2 ;; esac
done

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'demo-metrics.sh: %s\n' "$*" >&2; exit 1; }
for tool in "$JAVA" mvn python3; do
  command -v "$tool" >/dev/null || die "'$tool' is needed and was not found on PATH"
done
command -v prometheus >/dev/null || die "Debian's prometheus is needed: apt-get install prometheus"

AGENT_JAR=agent/target/sockwatch-agent.jar
APP_JAR=sample-app/target/sockwatch-sample-app.jar
RUN_DIR=target/demo-metrics
REPORT=sample-app/demo/prometheus_report.py
URL=http://127.0.0.1:$PORT
mkdir -p "$RUN_DIR"

CHILD=""
PROM_PID=""
FINISHED=false
stop_prometheus() {
  [ -n "$PROM_PID" ] || return 0
  kill "$PROM_PID" 2>/dev/null || true
  wait "$PROM_PID" 2>/dev/null || true
  PROM_PID=""
}
cleanup() {
  trap - INT TERM EXIT
  if [ -n "$CHILD" ] && kill -0 "$CHILD" 2>/dev/null; then kill "$CHILD" 2>/dev/null || true; wait "$CHILD" 2>/dev/null || true; fi
  if [ "$KEEP" = false ] || [ "$FINISHED" = false ]; then stop_prometheus; fi
}
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM
trap 'cleanup' EXIT
wait_child() { CHILD=$!; local rc=0; wait "$CHILD" || rc=$?; CHILD=""; return "$rc"; }

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port_taken "$PORT" && die "port $PORT on 127.0.0.1 is taken; choose another with --port N"
port_taken "$METRICS_PORT" && die "port $METRICS_PORT on 127.0.0.1 is taken; choose another with --metrics-port N"

# --- 1. build what is missing (or older than its main sources) ----------------------------------------------
stale() { local jar=$1; shift; [ ! -f "$jar" ] && return 0; [ -n "$(find "$@" -newer "$jar" -type f -print -quit 2>/dev/null)" ]; }
if stale "$AGENT_JAR" agent/src/main || stale "$APP_JAR" sample-app/src/main; then
  say "building the agent and the sample app (mvn -B -q -DskipTests package)…"
  mvn -B -q -ntp -DskipTests package >"$RUN_DIR/build.log" 2>&1 &
  wait_child || { tail -40 "$RUN_DIR/build.log" >&2; die "the build failed (log: $RUN_DIR/build.log)"; }
fi

# --- 2. Prometheus on 127.0.0.1:PORT, scraping the agent every second, in a fresh data directory ----------------
rm -rf "$RUN_DIR/data"
cat >"$RUN_DIR/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: sockwatch-demo
    static_configs:
      - targets: ['127.0.0.1:$METRICS_PORT']
YAML
say "starting prometheus on $URL (log: $RUN_DIR/prometheus.log)…"
own_session=(); command -v setsid >/dev/null && own_session=(setsid)
"${own_session[@]}" prometheus --config.file="$RUN_DIR/prometheus.yml" --storage.tsdb.path="$RUN_DIR/data" \
    --web.listen-address="127.0.0.1:$PORT" </dev/null >"$RUN_DIR/prometheus.log" 2>&1 &
PROM_PID=$!
for i in $(seq 1 60); do
  kill -0 "$PROM_PID" 2>/dev/null || { tail -20 "$RUN_DIR/prometheus.log" >&2; PROM_PID=""; die "prometheus exited (log above)"; }
  python3 "$REPORT" health "$URL" && break
  [ "$i" = 60 ] && die "prometheus did not become ready within 30 s"
  sleep 0.5
done

# --- 3. the sample app under the agent, metrics served on METRICS_PORT; it lingers to be scraped -----------------
say "running the sample app (scenario $SCENARIOS) under sockwatch, metrics scraped by prometheus…"
APP_RC=0
"$JAVA" -javaagent:"$AGENT_JAR" -Dotel.service.name=sockwatch-demo -Dotel.traces.exporter=none \
    -Dotel.metrics.exporter=prometheus -Dotel.exporter.prometheus.host=127.0.0.1 \
    -Dotel.exporter.prometheus.port="$METRICS_PORT" -Dsockwatch.close.grace=200ms \
    -jar "$APP_JAR" --scenario "$SCENARIOS" --linger 4 >"$RUN_DIR/scenarios.txt" 2>"$RUN_DIR/sample-app.log" &
wait_child || APP_RC=$?
[ -s "$RUN_DIR/scenarios.txt" ] || die "the sample app printed no scenario (log: $RUN_DIR/sample-app.log)"

# --- 4. ask Prometheus ----------------------------------------------------------------------------------------
python3 "$REPORT" wait "$URL" "$RUN_DIR/scenarios.txt" --timeout 10 &
wait_child || true
REPORT_RC=0
PYTHONPATH=sample-app/demo python3 "$REPORT" report "$URL" "$RUN_DIR/scenarios.txt" >"$RUN_DIR/report.txt" || REPORT_RC=$?
FINISHED=true
GRAPH="$URL/graph?g0.expr=$(python3 -c 'import urllib.parse; print(urllib.parse.quote("sum by (socket_role, socket_close_origin, socket_close_reason) (sockwatch_connection_ended_total)"))')&g0.tab=0"
if [ "$KEEP" = true ]; then
  say "prometheus UI: $GRAPH ; it keeps running: kill $PROM_PID to stop it"
else
  stop_prometheus
  say "run with --keep to browse the metrics in prometheus' UI"
fi
echo
cat "$RUN_DIR/report.txt"
[ "$REPORT_RC" -eq 0 ] && [ "$APP_RC" -eq 0 ]
