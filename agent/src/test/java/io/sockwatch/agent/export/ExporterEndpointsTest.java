package io.sockwatch.agent.export;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The endpoints sockwatch excludes from observation must be where the SDK really sends: for each configuration,
 * the answer of {@link ExporterEndpoints} is compared with the endpoint of the exporter the SDK built.
 */
class ExporterEndpointsTest {

    private static final Pattern SDK_ENDPOINT = Pattern.compile("endpoint=([^,}\\s]+)");

    static Stream<Arguments> configurations() {
        return Stream.of(
                Arguments.of(Map.of(), List.of("localhost:4318")),
                Arguments.of(Map.of("otel.exporter.otlp.protocol", "grpc"), List.of("localhost:4317")),
                // Metrics follow the general settings, traces their own.
                Arguments.of(Map.of("otel.exporter.otlp.protocol", "http/protobuf",
                        "otel.exporter.otlp.traces.protocol", "grpc"), List.of("localhost:4317", "localhost:4318")),
                Arguments.of(Map.of("otel.exporter.otlp.protocol", "grpc",
                        "otel.exporter.otlp.traces.protocol", "http/protobuf"), List.of("localhost:4318", "localhost:4317")),
                Arguments.of(Map.of("otel.exporter.otlp.protocol", "grpc",
                        "otel.exporter.otlp.endpoint", "http://collector.example:14317"),
                        List.of("collector.example:14317")),
                Arguments.of(Map.of("otel.exporter.otlp.protocol", "grpc",
                        "otel.exporter.otlp.endpoint", "http://collector.example:14317",
                        "otel.exporter.otlp.traces.endpoint", "http://traces.example:24317"),
                        List.of("traces.example:24317", "collector.example:14317")),
                Arguments.of(Map.of("otel.exporter.otlp.protocol", "grpc",
                        "otel.exporter.otlp.traces.endpoint", "https://traces.example/"),
                        List.of("traces.example:443", "localhost:4317")),
                Arguments.of(Map.of("otel.exporter.otlp.endpoint", "http://collector.example:14318"),
                        List.of("collector.example:14318")),
                Arguments.of(Map.of("otel.traces.exporter", "zipkin"), List.of("localhost:9411", "localhost:4318")),
                Arguments.of(Map.of("otel.exporter.otlp.metrics.endpoint", "http://metrics.example:19318/v1/metrics"),
                        List.of("localhost:4318", "metrics.example:19318")),
                Arguments.of(Map.of("otel.traces.exporter", "otlp,zipkin", "otel.exporter.otlp.protocol", "grpc"),
                        List.of("localhost:4317", "localhost:9411")),
                Arguments.of(Map.of("otel.traces.exporter", "console", "otel.metrics.exporter", "none"), List.of()),
                Arguments.of(Map.of("otel.traces.exporter", "console"), List.of("localhost:4318")));
    }

    @ParameterizedTest
    @MethodSource("configurations")
    void excludedEndpointsAreWhereTheSdkSends(Map<String, String> agentArguments, List<String> expected) {
        // As agent arguments: the SDK reads those, the real system properties and the real environment.
        List<String> warnings = new ArrayList<>();
        Telemetry telemetry = Telemetry.start(new Properties(), Map.of(), agentArguments, "test", warnings::add);
        try {
            assertEquals(List.of(), warnings);
            List<String> excluded = telemetry.exporterEndpoints().stream().map(e -> e.host() + ":" + e.port()).toList();
            assertEquals(expected, excluded);
            assertEquals(sorted(sdkEndpoints(telemetry.toString())), sorted(excluded), telemetry.toString());
            assertEquals(excluded.stream().distinct().toList(), excluded, "each endpoint once");
        } finally {
            telemetry.shutdown(1000);
        }
    }

    private static List<String> sdkEndpoints(String sdk) {
        List<String> endpoints = new ArrayList<>();
        Matcher m = SDK_ENDPOINT.matcher(sdk);
        while (m.find()) {
            URI uri = URI.create(m.group(1));
            int port = uri.getPort() >= 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
            if (!endpoints.contains(uri.getHost() + ":" + port)) {
                endpoints.add(uri.getHost() + ":" + port);
            }
        }
        return endpoints;
    }

    private static List<String> sorted(List<String> list) {
        return list.stream().sorted().toList();
    }
}
