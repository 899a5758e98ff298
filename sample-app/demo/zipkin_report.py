#!/usr/bin/env python3
"""Pairs the sample app's scenario lines with the spans Zipkin holds, for ./demo.sh.

  zipkin_report.py show   SCENARIOS                 what each scenario did, one line each
  zipkin_report.py health URL                       exit 0 when URL/health answers UP
  zipkin_report.py wait   URL SCENARIOS START_MS    poll Zipkin's API until every expected span is there (<= --timeout s)
  zipkin_report.py report URL SCENARIOS START_MS    print the table; last line 'N/M scenarios match in zipkin'

SCENARIOS is the sample app's output: one line per scenario, key=value fields (free text double-quoted).
Spans are read from Zipkin's HTTP API only (/api/v2/traces), never from anything the app printed.
A client span is found by its network.local.port (for a refused connect, which has none, by server.port);
a server span by its network.local.port (the server port) and network.peer.port (the client port).
A side matches when its span has the expected socket.close.origin and socket.api.
Standard library only.
"""
import argparse
import json
import shlex
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

SERVICE = "sockwatch-demo"
SPAN_NAME = "socket.connection"


def parse_scenarios(path):
    scenarios = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line.startswith("scenario="):
                continue
            fields = dict(token.split("=", 1) for token in shlex.split(line) if "=" in token)
            scenarios.append(fields)
    return scenarios


def expected_sides(scenario):
    """(side, expected origin, expected socket.api) for each side that should have a span."""
    sides = []
    for side in ("client", "server"):
        origin = scenario.get("expect_" + side, "-")
        if origin != "-":
            sides.append((side, origin, scenario.get(side + "_api", "-")))
    return sides


def fetch_spans(base_url, start_ms, service=SERVICE):
    """Every socket.connection span of the service that started at or after start_ms (1 s of slack)."""
    now_ms = int(time.time() * 1000)
    query = urllib.parse.urlencode({
        "serviceName": service,
        "spanName": SPAN_NAME,
        "endTs": now_ms + 60_000,
        "lookback": now_ms + 60_000 - start_ms + 120_000,
        "limit": 10_000,
    })
    with urllib.request.urlopen(f"{base_url}/api/v2/traces?{query}", timeout=10) as response:
        traces = json.load(response)
    spans = []
    for trace in traces:
        for span in trace:
            if span.get("name") == SPAN_NAME and span.get("timestamp", 0) >= (start_ms - 1000) * 1000:
                spans.append(span)
    return spans


def find_span(spans, scenario, side):
    client_port = scenario.get("client_port", "-")
    server_port = scenario.get("server_port", "-")
    found = []
    for span in spans:
        tags = span.get("tags", {})
        kind = span.get("kind")
        if side == "client" and kind == "CLIENT":
            if client_port != "-":
                ok = tags.get("network.local.port") == client_port
            else:  # failed connect: no local port, found by the port it asked for
                ok = ("network.local.port" not in tags
                      and server_port in (tags.get("server.port"), tags.get("network.peer.port")))
        elif side == "server" and kind == "SERVER":
            ok = tags.get("network.local.port") == server_port and tags.get("network.peer.port") == client_port
        else:
            ok = False
        if ok:
            found.append(span)
    found.sort(key=lambda s: s.get("timestamp", 0))
    return found[-1] if found else None


def rows(scenarios, spans):
    """One row per expected side: (scenario, side, expected, found, detail, match)."""
    table = []
    for sc in scenarios:
        name = sc.get("scenario", "?")
        if "error" in sc:
            table.append((name, "-", "-", "-", "not reproduced: " + sc["error"], False))
            continue
        for side, origin, api in expected_sides(sc):
            span = find_span(spans, sc, side)
            if span is None:
                table.append((name, side, origin, "(no span)", f"{side} port "
                              + (sc["client_port"] if side == "client" else sc["server_port"]), False))
                continue
            tags = span.get("tags", {})
            got = tags.get("socket.close.origin", "(none)")
            got_api = tags.get("socket.api", "(none)")
            detail = f"{tags.get('socket.close.reason', '?')} by {tags.get('socket.close.detected_by', '?')}"
            match = got == origin and (api == "-" or got_api == api)
            if got_api != api:
                detail += f", socket.api {got_api} (expected {api})"
            elif api != "java.net.Socket":
                detail += f", {api.rsplit('.', 1)[-1]}"
            table.append((name, side, origin, got, detail, match))
    return table


def scenario_matches(scenarios, table):
    matched = 0
    for sc in scenarios:
        mine = [r for r in table if r[0] == sc.get("scenario")]
        if mine and all(r[5] for r in mine):
            matched += 1
    return matched


def render(scenarios, table, out=sys.stdout):
    header = ("scenario", "side", "expected origin", "origin found in zipkin", "reason, detected by", "match")
    cells = [header] + [(r[0], r[1], r[2], r[3], r[4], "yes" if r[5] else "NO") for r in table]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]

    def line(row):
        return " | ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip()

    print(line(header), file=out)
    print("-+-".join("-" * w for w in widths), file=out)
    for row in cells[1:]:
        print(line(row), file=out)
    print(f"{scenario_matches(scenarios, table)}/{len(scenarios)} scenarios match in zipkin", file=out)


def health(base_url):
    try:
        with urllib.request.urlopen(f"{base_url}/health", timeout=2) as response:
            return json.load(response).get("status") == "UP"
    except (OSError, ValueError, urllib.error.URLError):
        return False


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["show", "health", "wait", "report"])
    parser.add_argument("url", help="Zipkin's base URL (for show: the scenarios file)")
    parser.add_argument("scenarios", nargs="?")
    parser.add_argument("start_ms", nargs="?", type=int)
    parser.add_argument("--timeout", type=float, default=20.0)
    args = parser.parse_args(argv)
    base_url = args.url.rstrip("/")

    if args.command == "show":
        for sc in parse_scenarios(args.url):
            what = sc.get("error") or f"client: {sc.get('client_saw', '-')} / server: {sc.get('server_saw', '-')}"
            print(f"    {sc.get('scenario', '?'):16} {'FAILED: ' if 'error' in sc else ''}{what}")
        return 0

    if args.command == "health":
        return 0 if health(base_url) else 1

    scenarios = parse_scenarios(args.scenarios)
    if args.command == "wait":
        wanted = sum(len(expected_sides(sc)) for sc in scenarios if "error" not in sc)
        deadline = time.monotonic() + args.timeout
        have = -1
        while True:
            try:
                spans = fetch_spans(base_url, args.start_ms)
                table = rows(scenarios, spans)
                have = sum(1 for r in table if r[3] not in ("(no span)", "-"))
            except (OSError, ValueError) as e:
                print(f"  zipkin query failed: {e}", file=sys.stderr)
            print(f"\r  spans in zipkin: {max(have, 0)}/{wanted}", end="", file=sys.stderr, flush=True)
            if have >= wanted:
                print(file=sys.stderr)
                return 0
            if time.monotonic() > deadline:
                print(f"  (gave up after {args.timeout:.0f} s)", file=sys.stderr)
                return 1
            time.sleep(0.5)

    try:
        spans = fetch_spans(base_url, args.start_ms)
    except (OSError, ValueError) as e:
        print(f"could not query zipkin at {base_url}: {e}", file=sys.stderr)
        return 1
    table = rows(scenarios, spans)
    render(scenarios, table)
    return 0 if scenario_matches(scenarios, table) == len(scenarios) and scenarios else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
