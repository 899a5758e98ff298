#!/usr/bin/env python3
"""For ./demo.sh --otel-agent: finds, in Zipkin, the trace of each failing request and the verdict inside it.

  zipkin_traces.py wait   URL TRACED START_MS    poll until each scenario's socket.ending is in a trace (<= --timeout s)
  zipkin_traces.py report URL TRACED START_MS    print the table; last line 'N/M requests show the verdict in their trace'

TRACED is the sample app's --traced output: one line per scenario, key=value fields (free text double-quoted), each
scenario with a server port of its own. From Zipkin's HTTP API only: the traces holding a socket.ending span whose
server.port is the scenario's; the scenario matches when that span's parent is a span of the Java agent in the same
trace (the request: an HTTP client span, or the traced query method), with the expected socket.close.origin.
Standard library only.
"""
import argparse
import json
import shlex
import sys
import time
import urllib.parse
import urllib.request

SERVICE = "sockwatch-demo"


def parse(path):
    with open(path, encoding="utf-8") as f:
        return [dict(t.split("=", 1) for t in shlex.split(line) if "=" in t)
                for line in f if line.startswith("traced=")]


def fetch_traces(base_url, start_ms):
    now_ms = int(time.time() * 1000)
    query = urllib.parse.urlencode({"serviceName": SERVICE, "annotationQuery": "socket.close.origin", "endTs": now_ms + 60_000,
                                    "lookback": now_ms + 60_000 - start_ms + 120_000, "limit": 1000})
    with urllib.request.urlopen(f"{base_url}/api/v2/traces?{query}", timeout=10) as response:
        return json.load(response)


def verdict_in_trace(traces, scenario):
    """(ending span, its parent span) of the scenario, from the trace that holds both; or (ending, None)."""
    found = (None, None)
    for trace in traces:
        by_id = {s["id"]: s for s in trace}
        for span in trace:
            tags = span.get("tags", {})
            if not span.get("name", "").startswith("socket.ending ") or tags.get("server.port") != scenario.get("server_port"):
                continue
            parent = by_id.get(span.get("parentId"))
            if parent is not None and not parent.get("name", "").startswith("socket."):
                return span, parent
            found = (span, None)
    return found


def rows(scenarios, traces):
    table = []
    for sc in scenarios:
        name = sc.get("traced", "?")
        if "error" in sc:
            table.append((name, "-", "-", "-", "not reproduced: " + sc["error"], False))
            continue
        ending, parent = verdict_in_trace(traces, sc)
        if ending is None:
            table.append((name, sc.get("request", "?"), sc["expect"], "(no socket.ending)", "-", False))
            continue
        tags = ending.get("tags", {})
        origin = tags.get("socket.close.origin", "(none)")
        request = "(not in the request's trace)" if parent is None else \
            f"{parent.get('name')} ({parent.get('kind', 'INTERNAL')}, trace {ending['traceId'][:8]}…)"
        detail = f"{tags.get('socket.close.reason', '?')} by {tags.get('socket.close.detected_by', '?')}"
        table.append((name, request, sc["expect"], origin, detail, parent is not None and origin == sc["expect"]))
    return table


def main():
    p = argparse.ArgumentParser()
    p.add_argument("command", choices=["wait", "report"])
    p.add_argument("url")
    p.add_argument("traced")
    p.add_argument("start_ms", type=int)
    p.add_argument("--timeout", type=float, default=20)
    a = p.parse_args()
    scenarios = parse(a.traced)
    if a.command == "wait":
        deadline = time.time() + a.timeout
        while time.time() < deadline:
            try:
                if all(r[5] for r in rows(scenarios, fetch_traces(a.url, a.start_ms))):
                    return 0
            except OSError:
                pass
            time.sleep(0.5)
        return 1
    table = rows(scenarios, fetch_traces(a.url, a.start_ms))
    head = ("scenario", "request span holding the verdict", "expected origin", "socket.ending origin",
            "reason, detected by", "match")
    cells = [r[:5] + ("yes",) for r in table] + [head]
    widths = [max(len(str(c[i])) for c in cells) for i in range(6)]
    fmt = " | ".join("{:<%d}" % w for w in widths)
    print(fmt.format(*head).rstrip())
    print("-+-".join("-" * w for w in widths))
    for r in table:
        print(fmt.format(*r[:5], "yes" if r[5] else "NO").rstrip())
    matched = sum(1 for r in table if r[5])
    print(f"{matched}/{len(table)} requests show the verdict in their trace")
    return 0 if table and matched == len(table) else 1


if __name__ == "__main__":
    sys.exit(main())
