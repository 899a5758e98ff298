#!/usr/bin/env python3
"""Compares the sample app's scenario lines with the endings Prometheus scraped from sockwatch, for ./demo-metrics.sh.

  prometheus_report.py health URL                   exit 0 when URL/-/ready answers
  prometheus_report.py wait   URL SCENARIOS          poll until Prometheus holds as many endings as expected (<= --timeout s)
  prometheus_report.py report URL SCENARIOS          print endings by role and origin, expected and scraped; last line
                                                     'N/M (role, origin) counts match in prometheus'

The counts are read from Prometheus' HTTP API (sum by role and origin of sockwatch_connection_ended_total, its last
value scraped), never
from anything the app printed. Standard library only.
"""
import argparse
import collections
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

from zipkin_report import expected_sides, parse_scenarios

JOB = "sockwatch-demo"
# The app has exited by the time the report runs, and Prometheus marks the series of a vanished target stale: an
# instant query would find nothing. The last scraped value within the last 5 minutes is the total.
QUERY = ('sum by (socket_role, socket_close_origin) (last_over_time(sockwatch_connection_ended_total{job="%s"}[5m]))'
         % JOB)


def query(base_url, promql):
    url = base_url + "/api/v1/query?" + urllib.parse.urlencode({"query": promql})
    with urllib.request.urlopen(url, timeout=5) as r:
        return json.load(r)["data"]["result"]


def scraped(base_url):
    counts = collections.Counter()
    for series in query(base_url, QUERY):
        m = series["metric"]
        counts[(m.get("socket_role", "?"), m.get("socket_close_origin", "?"))] += int(float(series["value"][1]))
    return counts


def expected(path):
    counts = collections.Counter()
    for scenario in parse_scenarios(path):
        for side, origin, _ in expected_sides(scenario):
            counts[(side, origin)] += 1
    return counts


def health(base_url):
    try:
        with urllib.request.urlopen(base_url + "/-/ready", timeout=2) as r:
            return r.status == 200
    except (urllib.error.URLError, OSError):
        return False


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=["health", "wait", "report"])
    ap.add_argument("url")
    ap.add_argument("scenarios", nargs="?")
    ap.add_argument("--timeout", type=float, default=20)
    args = ap.parse_args()
    if args.command == "health":
        sys.exit(0 if health(args.url) else 1)
    want = expected(args.scenarios)
    if args.command == "wait":
        deadline = time.time() + args.timeout
        while time.time() < deadline:
            try:
                if sum(scraped(args.url).values()) >= sum(want.values()):
                    return
            except (urllib.error.URLError, OSError, KeyError):
                pass
            time.sleep(0.5)
        return
    got = scraped(args.url)
    keys = sorted(set(want) | set(got))
    print("role   | origin      | expected | in prometheus | match")
    print("-------+-------------+----------+---------------+------")
    matches = 0
    for role, origin in keys:
        ok = want[(role, origin)] == got[(role, origin)]
        matches += ok
        print(f"{role:<6} | {origin:<11} | {want[(role, origin)]:>8} | {got[(role, origin)]:>13} | {'yes' if ok else 'NO'}")
    print(f"{matches}/{len(keys)} (role, origin) counts match in prometheus")
    sys.exit(0 if matches == len(keys) else 1)


if __name__ == "__main__":
    main()
