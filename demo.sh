#!/usr/bin/env bash
# sockwatch demo: the sample app ends loopback connections in every way it knows, under the agent, with spans
# exported to a local Zipkin; then Zipkin's HTTP API is asked what it holds and each span is paired with the
# scenario that made it. The last line says how many scenarios match: "N/M scenarios match in zipkin".
#
#   ./demo.sh [--port N] [--keep] [--scenario NAME[,NAME...]] [--otel-agent]
#
#   --port N        Zipkin's port on 127.0.0.1 (default: $ZIPKIN_PORT, else 9411)
#   --keep          leave Zipkin running at the end, to browse the spans in its UI (stop it with kill, the PID is printed)
#   --scenario X    run these sample-app scenarios instead of "all" (see: java -jar sample-app/target/sockwatch-sample-app.jar --list)
#   --otel-agent    also run HTTP and database-like requests that fail under the OpenTelemetry Java agent and sockwatch
#                   together (fetches io.opentelemetry.javaagent:opentelemetry-javaagent, Maven Central, into
#                   target/otel-javaagent/), and show each failing request's trace holding sockwatch's verdict
#
# Needs JDK 17+, Maven and python3; downloads zipkin-server (exec jar, Maven Central) into target/zipkin/.
# JAVA=/path/to/bin/java runs the sample app (and Zipkin) on another JDK. Exit status 0 only when every
# scenario matches. Ctrl-C stops everything this script started.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD

ZIPKIN_VERSION=3.4.4
PORT=${ZIPKIN_PORT:-9411}
KEEP=false
SCENARIOS=all
JAVA=${JAVA:-java}
SERVICE=sockwatch-demo
OTEL_AGENT=false
OTEL_AGENT_VERSION=2.22.0

usage() { sed -n '2,/^[^#]/{/^#/s/^# \{0,1\}//p;}' "$0"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --port) PORT=${2:?--port needs a number}; shift 2 ;;
    --port=*) PORT=${1#--port=}; shift ;;
    --keep) KEEP=true; shift ;;
    --otel-agent) OTEL_AGENT=true; shift ;;
    --scenario) SCENARIOS=${2:?--scenario needs a name}; shift 2 ;;
    --scenario=*) SCENARIOS=${1#--scenario=}; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "demo.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
case "$PORT" in ''|*[!0-9]*) echo "demo.sh: --port must be a number, not '$PORT'" >&2; exit 2 ;; esac

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'demo.sh: %s\n' "$*" >&2; exit 1; }

for tool in "$JAVA" mvn python3; do
  command -v "$tool" >/dev/null || die "'$tool' is needed and was not found on PATH"
done

AGENT_JAR=agent/target/sockwatch-agent.jar
APP_JAR=sample-app/target/sockwatch-sample-app.jar
ZIPKIN_DIR=target/zipkin
ZIPKIN_JAR=$ZIPKIN_DIR/zipkin-server-$ZIPKIN_VERSION-exec.jar
RUN_DIR=target/demo
REPORT=sample-app/demo/zipkin_report.py
TRACES=sample-app/demo/zipkin_traces.py
URL=http://127.0.0.1:$PORT
mkdir -p "$RUN_DIR" "$ZIPKIN_DIR"

# Everything started here is a background child whose PID is known, so a signal stops exactly those.
CHILD=""          # the step running now (build, download, sample app)
ZIPKIN_PID=""     # Zipkin, when this script started it
FINISHED=false    # set once the run is complete: only then may --keep leave Zipkin running
cleanup() {
  trap - INT TERM EXIT
  if [ -n "$CHILD" ] && kill -0 "$CHILD" 2>/dev/null; then
    kill "$CHILD" 2>/dev/null || true
    wait "$CHILD" 2>/dev/null || true
  fi
  if [ -n "$ZIPKIN_PID" ] && { [ "$KEEP" = false ] || [ "$FINISHED" = false ]; }; then
    stop_zipkin
  fi
}
stop_zipkin() {
  [ -n "$ZIPKIN_PID" ] || return 0
  if kill -0 "$ZIPKIN_PID" 2>/dev/null; then
    say "stopping zipkin (pid $ZIPKIN_PID)…"
    kill "$ZIPKIN_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$ZIPKIN_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$ZIPKIN_PID" 2>/dev/null || true
  fi
  wait "$ZIPKIN_PID" 2>/dev/null || true
  rm -f "$ZIPKIN_DIR/zipkin.pid"
  ZIPKIN_PID=""
}
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM
trap 'cleanup' EXIT

# Each long step runs in the background and is waited for, so that Ctrl-C or TERM reach the trap at once:
#   some command & wait_child
# (redirections go on the command itself, never on a function, so the trap's messages stay on the terminal)
wait_child() {
  CHILD=$!
  local rc=0
  wait "$CHILD" || rc=$?
  CHILD=""
  return "$rc"
}

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }
if port_taken && ! python3 "$REPORT" health "$URL"; then
  die "port $PORT on 127.0.0.1 is taken by something that is not a healthy Zipkin; choose another with --port N"
fi

# --- 1. build what is missing (or older than its main sources) ----------------------------------------
stale() { # jar, source dirs...
  local jar=$1; shift
  [ ! -f "$jar" ] && return 0
  [ -n "$(find "$@" -newer "$jar" -type f -print -quit 2>/dev/null)" ]
}
if stale "$AGENT_JAR" agent/src/main || stale "$APP_JAR" sample-app/src/main; then
  say "building the agent and the sample app (mvn -B -q -DskipTests package)…"
  mvn -B -q -ntp -DskipTests package >"$RUN_DIR/build.log" 2>&1 &
  wait_child || { sed 's/\x1b\[[0-9;]*m//g' "$RUN_DIR/build.log" | tail -40 >&2; die "the build failed (log: $RUN_DIR/build.log)"; }
fi
[ -f "$AGENT_JAR" ] && [ -f "$APP_JAR" ] || die "the build did not produce $AGENT_JAR and $APP_JAR"

if [ ! -f "$ZIPKIN_JAR" ]; then
  say "fetching zipkin-server $ZIPKIN_VERSION (Maven Central) into $ZIPKIN_DIR…"
  mvn -B -q -ntp -N dependency:copy -Dartifact="io.zipkin:zipkin-server:$ZIPKIN_VERSION:jar:exec" \
      -DoutputDirectory="$ZIPKIN_DIR" >"$RUN_DIR/zipkin-fetch.log" 2>&1 &
  wait_child || { sed 's/\x1b\[[0-9;]*m//g' "$RUN_DIR/zipkin-fetch.log" | tail -20 >&2
                  die "could not fetch io.zipkin:zipkin-server:$ZIPKIN_VERSION:jar:exec (log: $RUN_DIR/zipkin-fetch.log)"; }
fi

OTEL_AGENT_JAR=target/otel-javaagent/opentelemetry-javaagent-$OTEL_AGENT_VERSION.jar
if [ "$OTEL_AGENT" = true ] && [ ! -f "$OTEL_AGENT_JAR" ]; then
  say "fetching the OpenTelemetry Java agent $OTEL_AGENT_VERSION (Maven Central) into target/otel-javaagent…"
  mvn -B -q -ntp -N dependency:copy -Dartifact="io.opentelemetry.javaagent:opentelemetry-javaagent:$OTEL_AGENT_VERSION" \
      -DoutputDirectory=target/otel-javaagent >"$RUN_DIR/otel-agent-fetch.log" 2>&1 &
  wait_child || { sed 's/\x1b\[[0-9;]*m//g' "$RUN_DIR/otel-agent-fetch.log" | tail -20 >&2
                  die "could not fetch io.opentelemetry.javaagent:opentelemetry-javaagent:$OTEL_AGENT_VERSION (log: $RUN_DIR/otel-agent-fetch.log)"; }
fi

# --- 2. Zipkin on 127.0.0.1:PORT, in-memory storage --------------------------------------------------------
if python3 "$REPORT" health "$URL"; then
  say "a Zipkin already answers on $URL: using it (this script will not stop it)"
elif port_taken; then
  die "port $PORT on 127.0.0.1 is taken by something that is not a healthy Zipkin; choose another with --port N"
else
  say "starting zipkin on $URL (log: $ZIPKIN_DIR/zipkin.log)…"
  # its own session (setsid), so that a Ctrl-C meant for a later command in this terminal never reaches a kept Zipkin
  own_session=(); command -v setsid >/dev/null && own_session=(setsid)
  STORAGE_TYPE=mem "${own_session[@]}" "$JAVA" -Xmx512m -jar "$ZIPKIN_JAR" \
      --server.port="$PORT" "--armeria.ports[0].ip=127.0.0.1" "--armeria.ports[0].port=$PORT" \
      "--armeria.ports[0].protocols=http" --logging.level.root=WARN \
      </dev/null >"$ZIPKIN_DIR/zipkin.log" 2>&1 &
  ZIPKIN_PID=$!
  echo "$ZIPKIN_PID" >"$ZIPKIN_DIR/zipkin.pid"
  printf '==> waiting for zipkin' >&2
  for i in $(seq 1 120); do
    if ! kill -0 "$ZIPKIN_PID" 2>/dev/null; then
      echo >&2; tail -20 "$ZIPKIN_DIR/zipkin.log" >&2
      ZIPKIN_PID=""; rm -f "$ZIPKIN_DIR/zipkin.pid"; die "zipkin exited during startup (log above)"
    fi
    python3 "$REPORT" health "$URL" && break
    [ "$i" = 120 ] && { echo >&2; die "zipkin did not become healthy within 60 s (see $ZIPKIN_DIR/zipkin.log)"; }
    printf '.' >&2
    sleep 0.5
  done
  echo " up" >&2
fi

# --- 3. the sample app under the agent ---------------------------------------------------------------------
START_MS=$(python3 -c 'import time; print(int(time.time() * 1000))')
say "running the sample app (scenario $SCENARIOS) under sockwatch, spans to zipkin…"
APP_RC=0
"$JAVA" -javaagent:"$AGENT_JAR" \
    -Dotel.service.name="$SERVICE" \
    -Dotel.traces.exporter=zipkin \
    -Dotel.exporter.zipkin.endpoint="$URL/api/v2/spans" \
    -jar "$APP_JAR" --scenario "$SCENARIOS" >"$RUN_DIR/scenarios.txt" 2>"$RUN_DIR/sample-app.log" &
wait_child || APP_RC=$?
python3 "$REPORT" show "$RUN_DIR/scenarios.txt" >&2 || true
if [ "$APP_RC" -ne 0 ]; then
  say "the sample app exited with $APP_RC (log: $RUN_DIR/sample-app.log)"
  tail -5 "$RUN_DIR/sample-app.log" >&2 || true
fi
[ -s "$RUN_DIR/scenarios.txt" ] || die "the sample app printed no scenario"

# --- 3b. failing requests under the OpenTelemetry Java agent and sockwatch, one configuration for both ---------
TRACED_RC=0
if [ "$OTEL_AGENT" = true ]; then
  say "running HTTP and database-like requests that fail, under the OpenTelemetry Java agent and sockwatch…"
  "$JAVA" -javaagent:"$OTEL_AGENT_JAR" -javaagent:"$AGENT_JAR" \
      -Dotel.service.name="$SERVICE" \
      -Dotel.traces.exporter=zipkin \
      -Dotel.exporter.zipkin.endpoint="$URL/api/v2/spans" \
      -Dotel.metrics.exporter=none -Dotel.logs.exporter=none \
      -Dotel.instrumentation.methods.include='io.sockwatch.sample.DbLikeClient[query]' \
      -jar "$APP_JAR" --traced all >"$RUN_DIR/traced.txt" 2>"$RUN_DIR/traced-app.log" &
  wait_child || TRACED_RC=$?
  [ -s "$RUN_DIR/traced.txt" ] || die "the sample app printed no traced request (log: $RUN_DIR/traced-app.log)"
fi

# --- 4. ask Zipkin ----------------------------------------------------------------------------------------
say "waiting for the spans to be queryable in zipkin (at most 20 s)…"
python3 "$REPORT" wait "$URL" "$RUN_DIR/scenarios.txt" "$START_MS" --timeout 20 &
wait_child || true
REPORT_RC=0
python3 "$REPORT" report "$URL" "$RUN_DIR/scenarios.txt" "$START_MS" >"$RUN_DIR/report.txt" &
wait_child || REPORT_RC=$?
[ -s "$RUN_DIR/report.txt" ] || die "could not read the spans back from zipkin"
if [ "$OTEL_AGENT" = true ]; then
  python3 "$TRACES" wait "$URL" "$RUN_DIR/traced.txt" "$START_MS" --timeout 20 &
  wait_child || true
  python3 "$TRACES" report "$URL" "$RUN_DIR/traced.txt" "$START_MS" >"$RUN_DIR/traced-report.txt" &
  wait_child || TRACED_RC=1
fi
FINISHED=true

if [ -z "$ZIPKIN_PID" ]; then
  say "zipkin UI: $URL/zipkin/ (service $SERVICE)"
elif [ "$KEEP" = true ]; then
  say "zipkin UI: $URL/zipkin/ (service $SERVICE); zipkin keeps running: kill $ZIPKIN_PID to stop it"
else
  stop_zipkin
  say "zipkin UI was at $URL/zipkin/ (service $SERVICE); run with --keep to browse the spans"
fi
echo
cat "$RUN_DIR/report.txt"
if [ "$OTEL_AGENT" = true ]; then
  echo
  cat "$RUN_DIR/traced-report.txt"
fi
[ "$REPORT_RC" -eq 0 ] && [ "$APP_RC" -eq 0 ] && [ "$TRACED_RC" -eq 0 ]
