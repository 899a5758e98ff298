#!/usr/bin/env python3
"""Checks otel-collector/config.yaml and docker-compose.yml without running the Collector or Docker.

  python3 otel-collector/check_config.py

YAML syntax (PyYAML: Debian's python3-yaml or pip's PyYAML), then the structure the Collector would reject or
silently ignore: every component a pipeline names is defined, every defined one is used, the OTLP receiver
listens on 4317 (gRPC) and 4318 (HTTP), the Jaeger, Zipkin and debug exporters are there, the hosts the
exporters send to are services of the compose file, which mounts this config and publishes its ports on
127.0.0.1 only. Exit status 0 when all holds; each problem is one line.
"""
import os
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
    used = {kind: set() for kind in KINDS}
    for name, pipeline in pipelines.items():
        for kind in ("receivers", "processors", "exporters"):
            for component in (pipeline or {}).get(kind) or []:
                used[kind].add(component)
                if component not in (config.get(kind) or {}):
                    problems.append(f"config.yaml: pipeline {name} uses {kind[:-1]} {component}, never defined")
        if not (pipeline or {}).get("receivers") or not (pipeline or {}).get("exporters"):
            problems.append(f"config.yaml: pipeline {name} needs receivers and exporters")
    for extension in service.get("extensions") or []:
        used["extensions"].add(extension)
        if extension not in (config.get("extensions") or {}):
            problems.append(f"config.yaml: service uses extension {extension}, never defined")
    for kind in ("receivers", "processors", "exporters", "extensions"):
        for component in config.get(kind) or {}:
            if component not in used[kind]:
                problems.append(f"config.yaml: {kind[:-1]} {component} is defined but in no pipeline")

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
    return exporters


def check_compose(compose, exporters, problems):
    services = (compose or {}).get("services") or {}
    for name in ("collector", "jaeger", "zipkin"):
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
    for name, port in (("collector", "4317"), ("collector", "4318"), ("jaeger", "16686"), ("zipkin", "9411")):
        if port not in published.get(name, set()):
            problems.append(f"docker-compose.yml: {name} does not publish port {port}")
    for component_id, settings in exporters.items():
        endpoint = str((settings or {}).get("endpoint", ""))
        host = endpoint.split("://", 1)[-1].split("/", 1)[0].rsplit(":", 1)[0]
        if host and host not in services:
            problems.append(f"docker-compose.yml: exporter {component_id} sends to '{host}', not a compose service")


def main():
    problems = []
    try:
        config = load("config.yaml")
        compose = load("docker-compose.yml")
    except (OSError, yaml.YAMLError) as e:
        print(f"check_config.py: {e}")
        return 1
    print("YAML syntax: config.yaml and docker-compose.yml parse")
    exporters = check_config(config, problems)
    check_compose(compose, exporters, problems)
    for problem in problems:
        print("PROBLEM " + problem)
    if problems:
        return 1
    pipeline = config["service"]["pipelines"]["traces"]
    print("traces pipeline: " + " -> ".join([", ".join(pipeline["receivers"]), ", ".join(pipeline["processors"]),
                                            ", ".join(pipeline["exporters"])]))
    print("compose services: " + ", ".join(compose["services"]) + "; ports published on 127.0.0.1 only")
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
