#!/usr/bin/env python3
"""Checks otel-collector/config.yaml, fleet.yaml, docker-compose.yml, prometheus.yml and the Grafana provisioning
without running the Collector, Docker or Grafana.

  python3 otel-collector/check_config.py

YAML and JSON syntax (PyYAML: Debian's python3-yaml or pip's PyYAML), then the structure the Collector would reject
or silently ignore: every component a pipeline names is defined (a connector counts as both ends), every defined one
is used, a connector is an exporter in one pipeline and a receiver in another, the OTLP receiver listens on 4317
(gRPC) and 4318 (HTTP), the Jaeger, Zipkin and debug exporters are there, the metrics pipeline serves Prometheus on
8889, the hosts the exporters send to are services of the compose file, which mounts this config and publishes its
ports on 127.0.0.1 only. The Grafana dashboard queries only the Prometheus names of the instruments in
docs/telemetry.md, and has the panels the README promises. fleet.yaml keeps every ERROR span and a fraction of the
others by tail sampling, and derives span metrics from every span before sampling. Exit status 0 when all holds;
each problem is one line.
"""
import json
import os
import re
import sys

try:
    import yaml
except ImportError:
    sys.exit("check_config.py needs PyYAML: apt-get install python3-yaml (or pip install PyYAML)")

HERE = os.path.dirname(os.path.abspath(__file__))
KINDS = ("receivers", "processors", "exporters", "extensions", "connectors")
OTLP_GRPC_EXPORTER = ("otlp_grpc", "otlp")  # the new name (Collector 0.144.0+) and its deprecated alias


def load(name):
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        return yaml.safe_load(f)


def component_type(component_id):
    return component_id.split("/", 1)[0]


def check_pipelines(file, config, problems):
    """Every component a pipeline names is defined, every defined one used; returns what the pipelines use."""
    service = config.get("service") or {}
    pipelines = service.get("pipelines") or {}
    connectors = config.get("connectors") or {}
    used = {kind: set() for kind in KINDS}
    connector_ends = {}
    for name, pipeline in pipelines.items():
        for kind in ("receivers", "processors", "exporters"):
            for component in (pipeline or {}).get(kind) or []:
                if kind != "processors" and component in connectors:
                    used["connectors"].add(component)
                    connector_ends.setdefault(component, set()).add(kind)
                    continue
                used[kind].add(component)
                if component not in (config.get(kind) or {}):
                    problems.append(f"{file}: pipeline {name} uses {kind[:-1]} {component}, never defined")
        if not (pipeline or {}).get("receivers") or not (pipeline or {}).get("exporters"):
            problems.append(f"{file}: pipeline {name} needs receivers and exporters")
    for connector, ends in connector_ends.items():
        if ends != {"receivers", "exporters"}:
            problems.append(f"{file}: connector {connector} must be an exporter in one pipeline and a receiver in "
                            "another")
    for extension in service.get("extensions") or []:
        used["extensions"].add(extension)
        if extension not in (config.get("extensions") or {}):
            problems.append(f"{file}: service uses extension {extension}, never defined")
    for kind in KINDS:
        for component in config.get(kind) or {}:
            if component not in used[kind]:
                problems.append(f"{file}: {kind[:-1]} {component} is defined but in no pipeline")
    return used


def check_config(config, problems):
    if not isinstance(config, dict):
        problems.append("config.yaml: not a mapping")
        return {}
    unknown = set(config) - set(KINDS) - {"service"}
    if unknown:
        problems.append(f"config.yaml: unknown top-level keys {sorted(unknown)}")
    service = config.get("service") or {}
    pipelines = service.get("pipelines") or {}
    if "traces" not in pipelines:
        problems.append("config.yaml: no traces pipeline")
    used = check_pipelines("config.yaml", config, problems)
    if "metrics" not in pipelines:
        problems.append("config.yaml: no metrics pipeline")

    otlp = ((config.get("receivers") or {}).get("otlp") or {}).get("protocols") or {}
    for protocol, port in (("grpc", 4317), ("http", 4318)):
        endpoint = str((otlp.get(protocol) or {}).get("endpoint", ""))
        if not endpoint.endswith(f":{port}"):
            problems.append(f"config.yaml: the otlp receiver's {protocol} endpoint should end with :{port}, "
                            f"not '{endpoint}'")
        elif endpoint.startswith(("localhost", "127.")):
            problems.append(f"config.yaml: {protocol} on {endpoint} is unreachable from outside the container")
    if "batch" not in {component_type(p) for p in used["processors"]}:
        problems.append("config.yaml: the traces pipeline has no batch processor")

    exporters = config.get("exporters") or {}
    by_type = {}
    for component_id, settings in exporters.items():
        by_type.setdefault(component_type(component_id), []).append(settings or {})
    jaeger = [s for t in OTLP_GRPC_EXPORTER for s in by_type.get(t, [])]
    if not jaeger:
        problems.append("config.yaml: no OTLP gRPC exporter (otlp_grpc, formerly otlp) for Jaeger")
    for settings in jaeger:
        if settings.get("endpoint") != "jaeger:4317":
            problems.append(f"config.yaml: the Jaeger exporter's endpoint is '{settings.get('endpoint')}', "
                            "expected jaeger:4317")
        if not (settings.get("tls") or {}).get("insecure"):
            problems.append("config.yaml: the Jaeger exporter needs tls.insecure: true (plaintext gRPC)")
    for settings in by_type.get("zipkin", [{"endpoint": None}]):
        if settings.get("endpoint") != "http://zipkin:9411/api/v2/spans":
            problems.append(f"config.yaml: the zipkin exporter's endpoint is '{settings.get('endpoint')}', "
                            "expected http://zipkin:9411/api/v2/spans")
    if "debug" not in by_type:
        problems.append("config.yaml: no debug exporter")
    metrics_exporters = ((pipelines.get("metrics") or {}).get("exporters")) or []
    served = [exporters.get(e) or {} for e in metrics_exporters if component_type(e) == "prometheus"]
    if not served or not str(served[0].get("endpoint", "")).endswith(":8889"):
        problems.append("config.yaml: the metrics pipeline should serve Prometheus (a prometheus exporter on :8889)")
    return exporters


def check_compose(compose, exporters, problems):
    services = (compose or {}).get("services") or {}
    for name in ("collector", "jaeger", "zipkin", "prometheus", "grafana"):
        if name not in services:
            problems.append(f"docker-compose.yml: no '{name}' service")
    collector = services.get("collector") or {}
    if "opentelemetry-collector-contrib" not in str(collector.get("image", "")):
        problems.append("docker-compose.yml: the collector should run otel/opentelemetry-collector-contrib "
                        "(the zipkin exporter is only in contrib)")
    mounts = [str(v) for v in collector.get("volumes") or []]
    if not any(v.split(":")[0] == "./config.yaml" for v in mounts):
        problems.append("docker-compose.yml: the collector does not mount ./config.yaml")
    published = {}
    for name, service in services.items():
        for port in (service or {}).get("ports") or []:
            parts = str(port).split(":")
            if len(parts) != 3 or parts[0] != "127.0.0.1":
                problems.append(f"docker-compose.yml: {name} publishes '{port}' beyond 127.0.0.1")
            published.setdefault(name, set()).add(parts[-1].split("/")[0])
    for name, port in (("collector", "4317"), ("collector", "4318"), ("jaeger", "16686"), ("zipkin", "9411"),
                       ("prometheus", "9090"), ("grafana", "3000")):
        if port not in published.get(name, set()):
            problems.append(f"docker-compose.yml: {name} does not publish port {port}")
    for component_id, settings in exporters.items():
        if component_type(component_id) == "prometheus":
            continue  # it listens, for Prometheus to scrape; it sends nowhere
        endpoint = str((settings or {}).get("endpoint", ""))
        host = endpoint.split("://", 1)[-1].split("/", 1)[0].rsplit(":", 1)[0]
        if host and host not in services:
            problems.append(f"docker-compose.yml: exporter {component_id} sends to '{host}', not a compose service")


def prometheus_names():
    """The Prometheus names of the instruments docs/telemetry.md lists, as the Collector's exporter writes them."""
    names = set()
    with open(os.path.join(HERE, "..", "docs", "telemetry.md"), encoding="utf-8") as f:
        for line in f:
            m = re.match(r"\| `(sockwatch\.[a-z_.]+)` \| (counter|histogram|up-down counter) \| `([^`]+)` \|", line)
            if not m:
                continue
            base = m.group(1).replace(".", "_") + ("_seconds" if m.group(3) == "s" else "")
            if m.group(2) == "counter":
                names.add(base + "_total")
            elif m.group(2) == "histogram":
                names.update(base + suffix for suffix in ("_bucket", "_sum", "_count"))
            else:
                names.add(base)
    return names


def check_metrics_ui(compose, problems):
    services = (compose or {}).get("services") or {}
    scrape = load("prometheus.yml") or {}
    targets = [t for job in scrape.get("scrape_configs") or [] for c in job.get("static_configs") or []
               for t in c.get("targets") or []]
    if "collector:8889" not in targets:
        problems.append("prometheus.yml: does not scrape the collector's prometheus exporter (collector:8889)")
    prometheus = services.get("prometheus") or {}
    if not any(str(v).split(":")[0] == "./prometheus.yml" for v in prometheus.get("volumes") or []):
        problems.append("docker-compose.yml: prometheus does not mount ./prometheus.yml")
    grafana_mounts = {str(v).split(":")[0] for v in (services.get("grafana") or {}).get("volumes") or []}
    for needed in ("./grafana/provisioning", "./grafana/dashboards"):
        if needed not in grafana_mounts:
            problems.append(f"docker-compose.yml: grafana does not mount {needed}")
    sources = load("grafana/provisioning/datasources/prometheus.yml").get("datasources") or []
    uids = {d.get("uid") for d in sources if d.get("url") == "http://prometheus:9090"}
    if not uids:
        problems.append("grafana: no data source at http://prometheus:9090")
    with open(os.path.join(HERE, "grafana", "dashboards", "sockwatch.json"), encoding="utf-8") as f:
        dashboard = json.load(f)
    known = prometheus_names()
    if not known:
        problems.append("docs/telemetry.md: no instrument table found")
    titles = " | ".join(p.get("title", "") for p in dashboard.get("panels") or [])
    for wanted in ("Resets by peer", "FINs by peer", "Idle time before the ending", "Leaks by peer"):
        if wanted not in titles:
            problems.append(f"grafana dashboard: no '{wanted}' panel")
    for panel in dashboard.get("panels") or []:
        if (panel.get("datasource") or {}).get("uid") not in uids:
            problems.append(f"grafana dashboard: panel '{panel.get('title')}' uses an unprovisioned data source")
        for target in panel.get("targets") or []:
            for name in re.findall(r"\bsockwatch_[a-z_]+(?=\s*[{\[])", target.get("expr", "")):
                if name not in known:
                    problems.append(f"grafana dashboard: panel '{panel.get('title')}' queries {name}, which no "
                                    "instrument of docs/telemetry.md makes")
    return len(dashboard.get("panels") or [])


def check_fleet(fleet, problems):
    used = check_pipelines("fleet.yaml", fleet, problems)
    pipelines = (fleet.get("service") or {}).get("pipelines") or {}
    sampling = [p for p in (fleet.get("processors") or {}) if component_type(p) == "tail_sampling"]
    if not sampling:
        problems.append("fleet.yaml: no tail_sampling processor")
        return
    policies = (fleet["processors"][sampling[0]] or {}).get("policies") or []
    if not any(p.get("type") == "status_code" and "ERROR" in ((p.get("status_code") or {}).get("status_codes") or [])
               for p in policies):
        problems.append("fleet.yaml: tail sampling does not keep every ERROR span (a status_code policy)")
    fractions = [p for p in policies if p.get("type") == "probabilistic"]
    if not fractions or not 0 < float((fractions[0].get("probabilistic") or {}).get("sampling_percentage", 0)) < 100:
        problems.append("fleet.yaml: tail sampling keeps no fraction of the clean spans (a probabilistic policy)")
    if "spanmetrics" not in used["connectors"]:
        problems.append("fleet.yaml: no spanmetrics connector in the pipelines")
    for name, pipeline in pipelines.items():
        pipeline = pipeline or {}
        if "spanmetrics" in (pipeline.get("exporters") or []) and any(
                component_type(p) == "tail_sampling" for p in pipeline.get("processors") or []):
            problems.append(f"fleet.yaml: pipeline {name} samples before the span metrics: they would count only "
                            "the spans kept")
    dims = {d.get("name") for d in ((fleet.get("connectors") or {}).get("spanmetrics") or {}).get("dimensions") or []}
    for wanted in ("socket.close.origin", "socket.close.reason"):
        if wanted not in dims:
            problems.append(f"fleet.yaml: the span metrics have no {wanted} dimension")


def main():
    problems = []
    try:
        config = load("config.yaml")
        compose = load("docker-compose.yml")
        fleet = load("fleet.yaml")
    except (OSError, yaml.YAMLError) as e:
        print(f"check_config.py: {e}")
        return 1
    print("YAML syntax: config.yaml, fleet.yaml and docker-compose.yml parse")
    exporters = check_config(config, problems)
    check_compose(compose, exporters, problems)
    try:
        panels = check_metrics_ui(compose, problems)
    except (OSError, yaml.YAMLError, ValueError, AttributeError) as e:
        problems.append(f"metrics UI files: {e}")
        panels = 0
    check_fleet(fleet or {}, problems)
    for problem in problems:
        print("PROBLEM " + problem)
    if problems:
        return 1
    pipeline = config["service"]["pipelines"]["traces"]
    print("traces pipeline: " + " -> ".join([", ".join(pipeline["receivers"]), ", ".join(pipeline["processors"]),
                                            ", ".join(pipeline["exporters"])]))
    metrics = config["service"]["pipelines"]["metrics"]
    print("metrics pipeline: " + " -> ".join([", ".join(metrics["receivers"]), ", ".join(metrics["processors"]),
                                             ", ".join(metrics["exporters"])]))
    print(f"grafana dashboard: {panels} panels, every query on an instrument of docs/telemetry.md")
    print("fleet.yaml pipelines: " + ", ".join(fleet["service"]["pipelines"]))
    print("compose services: " + ", ".join(compose["services"]) + "; ports published on 127.0.0.1 only")
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
