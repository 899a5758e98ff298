package io.sockwatch.agent.export;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The host:port pairs the configured trace and metrics exporters send to: sockwatch never observes its own export. */
public final class ExporterEndpoints {

    /** A host and port the exporter connects to. */
    public record Endpoint(String host, int port) {
        // Written out: a record's generated equals and hashCode bootstrap method handles on first use, about 15 ms
        // of every agent start (this is compared before the application's main).
        @Override
        public boolean equals(Object o) {
            return o instanceof Endpoint e && port == e.port && host.equals(e.host);
        }

        @Override
        public int hashCode() {
            return 31 * host.hashCode() + port;
        }
    }

    private ExporterEndpoints() {
    }

    static List<Endpoint> of(OtelSettings otel) {
        List<Endpoint> endpoints = new ArrayList<>();
        for (String exporter : otel.get("otel.traces.exporter", "otlp").split(",")) {
            switch (exporter.trim().toLowerCase(Locale.ROOT)) {
                case "otlp" -> {
                    String protocol = otel.get("otel.exporter.otlp.traces.protocol",
                            otel.get("otel.exporter.otlp.protocol", "http/protobuf"));
                    String fallback = protocol.equals("grpc") ? "http://localhost:4317" : "http://localhost:4318";
                    add(endpoints, otel.get("otel.exporter.otlp.traces.endpoint",
                            otel.get("otel.exporter.otlp.endpoint", fallback)));
                }
                case "zipkin" -> add(endpoints,
                        otel.get("otel.exporter.zipkin.endpoint", "http://localhost:9411/api/v2/spans"));
                default -> {
                    // console, logging-otlp and none write to stdout or nowhere
                }
            }
        }
        for (String exporter : otel.get("otel.metrics.exporter", "otlp").split(",")) {
            if (exporter.trim().equalsIgnoreCase("otlp")) {
                String protocol = otel.get("otel.exporter.otlp.metrics.protocol",
                        otel.get("otel.exporter.otlp.protocol", "http/protobuf"));
                String fallback = protocol.equals("grpc") ? "http://localhost:4317" : "http://localhost:4318";
                add(endpoints, otel.get("otel.exporter.otlp.metrics.endpoint",
                        otel.get("otel.exporter.otlp.endpoint", fallback)));
            }
        }
        return endpoints;
    }

    /** The ports sockwatch serves on itself: the Prometheus exporter's, when configured. */
    static List<Integer> servedPorts(OtelSettings otel) {
        for (String exporter : otel.get("otel.metrics.exporter", "otlp").split(",")) {
            if (exporter.trim().equalsIgnoreCase("prometheus")) {
                try {
                    return List.of(Integer.parseInt(otel.get("otel.exporter.prometheus.port", "9464")));
                } catch (NumberFormatException e) {
                    return List.of(9464);
                }
            }
        }
        return List.of();
    }

    private static void add(List<Endpoint> endpoints, String url) {
        try {
            URI uri = URI.create(url.trim());
            if (uri.getHost() == null) {
                return;
            }
            int port = uri.getPort();
            if (port < 0) {
                port = "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
            }
            Endpoint endpoint = new Endpoint(uri.getHost(), port);
            if (!endpoints.contains(endpoint)) {
                endpoints.add(endpoint); // traces and metrics usually share one collector
            }
        } catch (IllegalArgumentException e) {
            // The SDK reports a malformed endpoint itself.
        }
    }
}
