#!/usr/bin/env python3
"""sockwatch benchmarks: whole-process workloads side by side (no agent | sockwatch | sockwatch disabled | JFR socket
events), alternating modes within each round, plus the JMH hot-path microbenchmark. Writes docs/performance.md."""
import argparse, datetime, http.server, json, os, platform, re, shutil, statistics, subprocess, sys, threading, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.path.join(ROOT, "bench", "target")
AGENT = os.path.join(ROOT, "agent", "target", "sockwatch-agent.jar")

WORKLOADS = [  # name, metric direction (higher is better?), target ratio for sockwatch default, what it says
    ("small_reads", False, 1.03, "16-byte reads of a 32 MiB loopback stream"),
    ("pingpong_socket_1", False, 1.03, "request/response of 1 B, java.net.Socket"),
    ("pingpong_socket_1k", False, 1.03, "request/response of 1 KiB, java.net.Socket"),
    ("pingpong_channel_1", False, 1.03, "request/response of 1 B, SocketChannel"),
    ("pingpong_channel_1k", False, 1.03, "request/response of 1 KiB, SocketChannel"),
    ("bulk", True, 1.01, "64 KiB writes, 2 GiB"),
    ("churn", True, 1.25, "connect + accept + 16 B each way + close"),  # issue #16: 1.25 with a span each
    ("many", False, None, "heap per idle socket, the slope from 1,900 to 9,500 connections held open, both ends "
             "in one process (19,000 tracked sockets: the file descriptor limit here is 20,000)"),
    ("many_client", False, None, "heap per idle client connection, the slope from 1,900 to 9,500 held open, "
                    "their server in another process without the agent (a connection pool's view)"),
    ("startup", False, None, "a tiny program: JVM start, one connection, exit"),
    ("first_close", False, None, "the first close() in a JVM that has lived a second (the client wrote last, "
                    "the peer still open)"),
    ("later_close", False, None, "the median close(), closes 101 to 300 of the same program"),
    ("netty_echo_epoll", False, 1.05, "Netty 4.2 echo on epoll, one 64 B message in flight, client and server in one "
                                      "process (JFR socket events cannot see native transports)"),
    ("netty_echo_io_uring", False, 1.05, "the same on io_uring"),
]

NETTY = os.path.join(ROOT, "agent", "target", "it-libs-netty42")


def classpath(workload):
    """The JDK workloads need nothing; the Netty ones run on the Netty 4.2 the build copies for the tests."""
    classes = os.path.join(TARGET, "classes")
    if not workload.startswith("netty_"):
        return classes
    return ":".join([classes] + sorted(os.path.join(NETTY, j) for j in os.listdir(NETTY) if j.endswith(".jar")))


class Sink(http.server.BaseHTTPRequestHandler):
    """An OTLP/HTTP endpoint that accepts and drops everything: export costs what it costs for real."""

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def sh(cmd, **kw):
    p = subprocess.run(cmd, text=True, capture_output=True, **kw)
    if p.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{p.stdout}{p.stderr}")
    return p.stdout


def build(java_home):
    os.makedirs(os.path.join(TARGET, "classes"), exist_ok=True)
    print("building the agent and the benchmarks...", flush=True)
    sh(["mvn", "-B", "-q", "-DskipTests", "package", "-pl", "agent"], cwd=ROOT)
    sh(["mvn", "-B", "-q", "-pl", "agent", "dependency:build-classpath", "-Dmdep.includeScope=test",
        "-Dmdep.outputFile=" + os.path.join(TARGET, "test-classpath.txt")], cwd=ROOT)
    sh([os.path.join(java_home, "bin", "javac"), "-d", os.path.join(TARGET, "classes"),
        os.path.join(ROOT, "bench", "src", "Workloads.java")])
    sh(["mvn", "-B", "-q", "-pl", "agent", "dependency:copy@netty42-test-libraries"], cwd=ROOT)
    sh([os.path.join(java_home, "bin", "javac"), "-d", os.path.join(TARGET, "classes"), "-cp", classpath("netty_"),
        os.path.join(ROOT, "bench", "src", "NettyWorkloads.java")])
    with open(os.path.join(TARGET, "sockets.jfc"), "w") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<configuration version="2.0">\n')
        for event in ("jdk.SocketRead", "jdk.SocketWrite"):
            f.write(f'  <event name="{event}"><setting name="enabled">true</setting>'
                    f'<setting name="stackTrace">true</setting><setting name="threshold">0 ms</setting></event>\n')
        f.write("</configuration>\n")


def modes(sink_port):
    otel = [f"-Dotel.exporter.otlp.endpoint=http://127.0.0.1:{sink_port}", "-Dotel.service.name=bench"]
    agent = "-javaagent:" + AGENT
    return {
        "no agent": [],
        "sockwatch": [agent] + otel,
        "sockwatch disabled": [agent, "-Dsockwatch.enabled=false"] + otel,
        "JFR socket events": ["-XX:StartFlightRecording=settings=" + os.path.join(TARGET, "sockets.jfc")
                              + ",filename=" + os.path.join(TARGET, "bench.jfr")],
    }


def raise_fd_limit():
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


# Per workload, the CPU per operation of the run just made (churn prints it), read right after each run_once.
CPU = {}


def run_once(java, jvm_args, workload):
    main = "NettyWorkloads" if workload.startswith("netty_") else "Workloads"
    cmd = ["/usr/bin/time", "-f", "MAXRSS %M", java, "-Xmx2g"] + jvm_args + [
        "-cp", classpath(workload), main, workload] + (["9500"] if workload.startswith("many") else [])
    start = time.perf_counter()
    p = subprocess.run(cmd, text=True, capture_output=True, preexec_fn=raise_fd_limit)
    wall = time.perf_counter() - start
    out = p.stdout + p.stderr
    if p.returncode != 0:
        raise RuntimeError(f"{workload} failed: {' '.join(cmd)}\n{out}")
    rss = int(re.search(r"MAXRSS (\d+)", out).group(1)) / 1024.0
    if workload == "startup":
        return wall * 1000.0, rss
    m = re.search(r"RESULT \S+ ([\d.]+) (\S+)", out)
    cpu = re.search(r"CPU \S+ ([\d.]+) ", out)
    if cpu:
        CPU.setdefault(workload, []).append(float(cpu.group(1)))
    return float(m.group(1)), rss


def jmh(java):
    print("JMH hot path...", flush=True)
    cp = ":".join([os.path.join(ROOT, "agent", "target", "test-classes"), os.path.join(ROOT, "agent", "target", "classes"),
                   open(os.path.join(TARGET, "test-classpath.txt")).read().strip()])
    out_json = os.path.join(TARGET, "jmh.json")
    sh([java, "-cp", cp, "org.openjdk.jmh.Main", "HotPathBenchmark", "-prof", "gc", "-f", "1", "-wi", "3", "-w", "1",
        "-i", "5", "-r", "1", "-rf", "json", "-rff", out_json])
    rows = []
    for b in json.load(open(out_json)):
        alloc = b["secondaryMetrics"].get("gc.alloc.rate.norm", {}).get("score", float("nan"))
        rows.append((b["benchmark"].split(".")[-1], b.get("params", {}).get("tracked", ""),
                     b["primaryMetric"]["score"], b["primaryMetric"]["scoreError"], alloc))
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--java-home", default=os.environ.get("JAVA_HOME") or os.path.dirname(os.path.dirname(
        os.path.realpath(shutil.which("java")))))
    ap.add_argument("--only", nargs="*", help="workloads to run (default: all)")
    ap.add_argument("--no-jmh", action="store_true")
    ap.add_argument("--output", default=os.path.join(ROOT, "docs", "performance.md"))
    ap.add_argument("--notes", default=os.path.join(ROOT, "bench", "NOTES.md"),
                    help="text appended to the report ('' for none: a narrowed run, --only)")
    args = ap.parse_args()
    java = os.path.join(args.java_home, "bin", "java")
    build(args.java_home)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Sink)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    all_modes = modes(server.server_address[1])
    names = list(all_modes)
    results = {}
    rss = {}
    cpu = {}
    selected = [w for w in WORKLOADS if not args.only or w[0] in args.only]
    for workload, _, _, _ in selected:
        extra = {}
        if workload == "churn":  # the span and call-site settings matter most where connections are short
            # "sockwatch" exports metrics too (on by default); spans=errors with metrics is the production profile.
            extra = {"sockwatch spans=errors": all_modes["sockwatch"] + ["-Dsockwatch.spans=errors"],
                     "sockwatch spans=errors, no metrics": all_modes["sockwatch"] + ["-Dsockwatch.spans=errors",
                                                                                     "-Dotel.metrics.exporter=none"],
                     "sockwatch spans=none (metrics only)": all_modes["sockwatch"] + ["-Dsockwatch.spans=none"],
                     "sockwatch close.callsite=false": all_modes["sockwatch"] + ["-Dsockwatch.close.callsite=false"]}
        if workload == "startup":  # the agent's own start, without and with the export of its spans at exit
            extra = {"sockwatch otel.traces.exporter=none": all_modes["sockwatch"] + ["-Dotel.traces.exporter=none",
                                                                                      "-Dotel.metrics.exporter=none"],
                     # every start weaving with Byte Buddy, as the first start with a new JDK or agent build does
                     "sockwatch sockwatch.cache.dir=none": all_modes["sockwatch"] + ["-Dsockwatch.cache.dir=none"]}
            run_once(java, all_modes["sockwatch"], workload)  # fills the woven-class cache: the rows are warm starts
        workload_modes = dict(all_modes, **extra)
        order = list(workload_modes)
        for r in range(args.rounds):
            rotated = order[r % len(order):] + order[:r % len(order)]  # alternate who goes first
            for mode in rotated:
                print(f"  {workload} round {r + 1}/{args.rounds}: {mode}", flush=True)
                CPU.pop(workload, None)
                value, peak = run_once(java, workload_modes[mode], workload)
                results.setdefault((workload, mode), []).append(value)
                if workload in CPU:
                    cpu.setdefault((workload, mode), []).append(CPU[workload][-1])
                rss.setdefault((workload, mode), []).append(peak)
    jmh_rows = [] if args.no_jmh else jmh(java)
    write_report(args, java, selected, results, rss, jmh_rows, cpu)
    server.shutdown()


def write_report(args, java, selected, results, rss, jmh_rows, cpu_per_op=None):
    version = subprocess.run([java, "-version"], text=True, capture_output=True).stderr.splitlines()[0]
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    lines = [
        "# Performance",
        "",
        f"Generated by `bench/run.sh` on {datetime.date.today()}: {os.cpu_count()} cores ({cpu}), "
        f"{platform.system()} {platform.release()}, {version}. {args.rounds} rounds; in each round every mode runs "
        "once, in a rotating order, each in a fresh JVM. Values are medians with [min, max]; the ratio compares "
        "the median to no agent in the same run (above 1 means slower or bigger). sockwatch exports over "
        "OTLP/HTTP to a local sink; JFR records `jdk.SocketRead`/`jdk.SocketWrite` at threshold 0 with stack traces.",
        "",
    ]
    for workload, higher_better, target, what in selected:
        modes_here = [m for (w, m) in results if w == workload]
        base = statistics.median(results[(workload, "no agent")])
        unit = {"small_reads": "ns/read", "bulk": "MiB/s", "churn": "conn/s", "many": "bytes/socket",
                "many_client": "bytes/socket",
                "startup": "ms wall", "first_close": "µs", "later_close": "µs"}.get(workload, "µs/round trip")
        lines += [f"## {workload}: {what}", "",
                  f"| mode | {unit} | ratio to no agent | peak RSS MiB |", "|---|---|---|---|"]
        for mode in modes_here:
            vals = results[(workload, mode)]
            med = statistics.median(vals)
            if workload.startswith("many"):
                ratio = f"+{med - base:.0f} B/socket"
            else:
                ratio = f"{(base / med if higher_better else med / base):.3f}"
            lines.append(f"| {mode} | {med:.2f} [{min(vals):.2f}, {max(vals):.2f}] | {ratio} | "
                         f"{statistics.median(rss[(workload, mode)]):.0f} |")
        if target:
            med = statistics.median(results[(workload, "sockwatch")])
            ratio = base / med if higher_better else med / base
            lines.append("")
            lines.append(f"Target for sockwatch: ratio ≤ {target}. Measured {ratio:.3f}: "
                         f"{'met' if ratio <= target else '**missed**'}.")
        cpu_here = {m: v for (w, m), v in (cpu_per_op or {}).items() if w == workload}
        if cpu_here and "no agent" in cpu_here:
            cpu_base = statistics.median(cpu_here["no agent"])
            lines += ["", "The same runs' CPU per connection, both ends, every thread of the process (the "
                      "application's, the agent's, the JIT's), over the measured rounds:", "",
                      "| mode | CPU µs/conn | ratio to no agent |", "|---|---|---|"]
            for mode in modes_here:
                if mode in cpu_here:
                    vals = cpu_here[mode]
                    lines.append(f"| {mode} | {statistics.median(vals):.1f} [{min(vals):.1f}, {max(vals):.1f}] | "
                                 f"{statistics.median(vals) / cpu_base:.2f} |")
        lines.append("")
    if jmh_rows:
        lines += ["## JMH: the hot path", "",
                  "The advice's call into the bridge, the state lookup and the counter update, per operation, with the "
                  "given number of tracked connections (`-prof gc`).", "",
                  "| benchmark | tracked | ns/op | ± | B/op |", "|---|---|---|---|---|"]
        for name, tracked, score, err, alloc in jmh_rows:
            lines.append(f"| {name} | {tracked} | {score:.2f} | {err:.2f} | {alloc:.3f} |")
        lines.append("")
    if args.only and os.path.exists(args.output):
        lines = merged(open(args.output).read(), lines, datetime.date.today())
    else:
        notes = args.notes
        if notes and os.path.exists(notes):
            lines += [open(notes).read()]
    with open(args.output, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("wrote " + args.output)


def merged(existing, new_lines, today):
    """With --only: the existing report with the measured workloads' sections replaced (or added before the JMH
    section), each marked with the day it was measured; everything else is kept as it was."""
    def sections(text):
        parts = re.split(r"(?m)^(?=## )", text)
        return parts[0], [(p.splitlines()[0], p) for p in parts[1:]]
    head, old = sections(existing)
    _, new = sections("\n".join(new_lines) + "\n")
    new = [(title, body.replace("\n\n", f"\n\nMeasured on {today} with `bench/run.sh --only`.\n\n", 1))
           for title, body in new]
    key = lambda title: title.split(":")[0]
    replaced = {key(t) for t, _ in new}
    out, inserted = [], False
    for title, body in old:
        if key(title) in replaced:
            if not inserted:
                out += [b for _, b in new]
                inserted = True
            continue
        if not inserted and title.startswith("## JMH"):
            out += [b for _, b in new]
            inserted = True
        out.append(body)
    if not inserted:
        out += [b for _, b in new]
    return (head + "".join(out)).rstrip("\n").split("\n")


if __name__ == "__main__":
    main()
