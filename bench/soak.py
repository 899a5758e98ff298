#!/usr/bin/env python3
"""sockwatch soak: an application churning loopback connections under the agent for a long time (an hour by
default), exporting to a real OTLP receiver, sampled every minute for heap, RSS, threads and spans not (yet)
delivered. Writes docs/soak.md. Not part of the test run: bench/soak.sh [--minutes 60] [--rate 1000]."""
import argparse, datetime, os, platform, re, subprocess, sys, tempfile, threading, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
AGENT = os.path.join(ROOT, "agent", "target", "sockwatch-agent.jar")
CLASSES = os.path.join(ROOT, "agent", "target", "test-classes")
CPFILE = os.path.join(ROOT, "bench", "target", "test-classpath.txt")


def sh(cmd):
    p = subprocess.run(cmd, text=True, capture_output=True, cwd=ROOT)
    if p.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{p.stdout}{p.stderr}")
    return p.stdout


def follow(proc, pattern, state, key, lines=None):
    """Keeps the last number a child printed after `pattern`, and (optionally) all its lines."""
    for line in proc.stdout:
        if lines is not None:
            lines.append(line.rstrip("\n"))
        m = re.match(pattern, line)
        if m:
            state[key] = int(m.group(1))


def proc_status(pid):
    status = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            status[k] = v.strip()
    return int(status["VmRSS"].split()[0]) // 1024, int(status["Threads"])


def heap_used_mb(java_home, pid):
    """Heap in use after a full GC: what the process really holds, not garbage yet to be collected."""
    out = subprocess.run([os.path.join(java_home, "bin", "jcmd"), str(pid), "GC.run"], text=True,
                         capture_output=True).stdout
    out = subprocess.run([os.path.join(java_home, "bin", "jcmd"), str(pid), "GC.heap_info"], text=True,
                         capture_output=True).stdout
    m = re.search(r"used (\d+)K", out)
    return int(m.group(1)) // 1024 if m else -1


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--minutes", type=int, default=60)
    ap.add_argument("--rate", type=int, default=1000, help="connections per second (two endings each)")
    ap.add_argument("--sample", type=int, default=60, help="seconds between samples")
    ap.add_argument("--java-home", default=os.path.dirname(os.path.dirname(os.path.realpath(
        subprocess.run(["bash", "-c", "command -v java"], text=True, capture_output=True).stdout.strip()))))
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "soak.md"))
    args = ap.parse_args()
    java = os.path.join(args.java_home, "bin", "java")

    print("building the agent and the test classes...", flush=True)
    sh(["mvn", "-B", "-q", "-DskipTests", "package", "-pl", "agent"])
    os.makedirs(os.path.dirname(CPFILE), exist_ok=True)
    sh(["mvn", "-B", "-q", "-pl", "agent", "dependency:build-classpath", "-Dmdep.includeScope=test",
        "-Dmdep.outputFile=" + CPFILE])
    cp = CLASSES + os.pathsep + open(CPFILE).read().strip()

    endpoint_file = tempfile.mktemp(prefix="sockwatch-soak-")
    receiver = subprocess.Popen([java, "-cp", cp, "io.sockwatch.e2e.support.SoakReceiver", endpoint_file],
                                stdout=subprocess.PIPE, text=True)
    state = {"received": 0, "connections": 0}
    threading.Thread(target=follow, args=(receiver, r"RECEIVED (\d+)", state, "received"), daemon=True).start()
    while not os.path.exists(endpoint_file) or not open(endpoint_file).read():
        time.sleep(0.1)
    endpoint = open(endpoint_file).read().strip()

    seconds = args.minutes * 60
    app = subprocess.Popen([java, "-javaagent:" + AGENT, "-Dotel.service.name=soak",
                            "-Dotel.exporter.otlp.traces.endpoint=" + endpoint, "-cp", CLASSES,
                            "io.sockwatch.e2e.scenarios.Churn", str(args.rate), str(seconds), "0", "3000"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    app_lines = []
    threading.Thread(target=follow, args=(app, r"PROGRESS connections=(\d+)", state, "connections", app_lines),
                     daemon=True).start()
    started = time.time()
    samples = []
    print(f"soak: {args.rate} connections/s for {args.minutes} min, sampling every {args.sample} s", flush=True)
    while app.poll() is None:
        time.sleep(args.sample)
        if app.poll() is not None:
            break
        try:
            rss, threads = proc_status(app.pid)
            heap = heap_used_mb(args.java_home, app.pid)
        except (FileNotFoundError, ProcessLookupError):
            break
        produced = 2 * state["connections"]
        sample = (round(time.time() - started), heap, rss, threads, produced, state["received"])
        samples.append(sample)
        print("t=%ss heap=%s MB rss=%s MB threads=%s produced=%s received=%s" % sample, flush=True)
    app.wait()
    time.sleep(2)
    receiver.terminate()
    final = [l for l in app_lines if l.startswith("CHURN connections=")]
    produced = 2 * int(final[0].split("=")[1]) if final else None
    exit_lines = [l for l in app_lines if l.startswith("sockwatch")]
    write_report(args, java, samples, produced, state["received"], exit_lines)


def write_report(args, java, samples, produced, received, exit_lines):
    version = subprocess.run([java, "-version"], text=True, capture_output=True).stderr.splitlines()[0]
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], text=True, capture_output=True,
                            cwd=ROOT).stdout.strip()
    lost = None if produced is None else produced - received
    with open(args.out, "w") as f:
        f.write("# Soak: a long run under the agent\n\n")
        f.write(f"Generated by `bench/soak.sh --minutes {args.minutes} --rate {args.rate}` at commit {commit} on "
                f"{datetime.date.today()}, {os.cpu_count()} cores, {version}, {platform.system()} "
                f"{platform.release()}. An application opens and closes {args.rate:,} loopback connections a second "
                "(client and server in one JVM: two endings each) under the agent with default settings, exporting "
                "over OTLP/HTTP to a real receiver in another JVM. Every sample is taken after a full GC "
                "(`jcmd GC.run`), so heap is what the process really holds; the produced count is the application's "
                "last report, up to a second old, so the difference is the spans in flight, give or take a second's "
                "worth.\n\n")
        f.write("| time | heap used | RSS | threads | spans produced | spans received | produced − received |\n")
        f.write("|---|---|---|---|---|---|---|\n")
        for t, heap, rss, threads, prod, rec in samples:
            f.write(f"| {t // 60}:{t % 60:02d} | {heap} MB | {rss} MB | {threads} | {prod:,} | {rec:,} | {prod - rec:,} |\n")
        f.write("\n")
        if produced is not None:
            f.write(f"At the end: {produced:,} spans produced, {received:,} received, {lost:,} not received. "
                    f"The agent's exit line: {exit_lines[0] if exit_lines else '(none: every span delivered)'}.\n")
        else:
            f.write("The application did not finish: see its output.\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
