package io.sockwatch.agent.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Starting the SDK with what users actually give it: often nothing at all. */
class TelemetryStartTest {

    @Test
    void startsWithoutAnyOtelSettings() {
        List<String> warnings = new ArrayList<>();
        Telemetry telemetry = Telemetry.start(new Properties(), Map.of(), Map.of(), "test", warnings::add);
        try {
            assertEquals(List.of(), warnings, "attaching with no otel.* settings must export, not fail");
            assertEquals(List.of("localhost:4318"), telemetry.exporterEndpoints().stream()
                    .map(e -> e.host() + ":" + e.port()).toList(),
                    "the endpoint excluded from observation must be the one the default exporter sends to");
        } finally {
            telemetry.shutdown(1000);
        }
    }

    @Test
    void startsWithGrpc() {
        // The Collector's default OTLP port, 4317, is gRPC: the SDK needs a GrpcSenderProvider for it. Given as an
        // agent argument because the SDK itself reads only those and the real system properties and environment.
        List<String> warnings = new ArrayList<>();
        Telemetry telemetry = Telemetry.start(new Properties(), Map.of(),
                Map.of("otel.exporter.otlp.protocol", "grpc"), "test", warnings::add);
        try {
            assertEquals(List.of(), warnings, "otel.exporter.otlp.protocol=grpc must export, not fail");
            assertTrue(telemetry.toString().contains("OtlpGrpcSpanExporter{endpoint=http://localhost:4317"),
                    telemetry.toString());
            assertEquals(List.of("localhost:4317"), telemetry.exporterEndpoints().stream()
                    .map(e -> e.host() + ":" + e.port()).toList(),
                    "the endpoint excluded from observation must be the gRPC default");
        } finally {
            telemetry.shutdown(1000);
        }
    }

    @Test
    void aBrokenSettingIsReportedWithItsCause() {
        List<String> warnings = new ArrayList<>();
        Telemetry telemetry = Telemetry.start(new Properties(), Map.of(),
                Map.of("otel.traces.sampler", "sometimes"), "test", warnings::add);
        telemetry.shutdown(1000);
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("sometimes"), warnings.get(0));
    }

    @Test
    void metricsByDefaultAndNoTraceExporterForSpansNone() {
        List<String> warnings = new ArrayList<>();
        Telemetry both = Telemetry.start(new Properties(), Map.of(), Map.of(), "test", warnings::add);
        Telemetry metricsOnly = Telemetry.start(new Properties(), Map.of(), Map.of("otel.traces.exporter", "otlp"),
                "test", new DeliveryLedger(), warnings::add, null, true, false);
        try {
            assertEquals(List.of(), warnings);
            assertTrue(both.toString().contains("OtlpHttpSpanExporter"), both.toString());
            assertTrue(both.toString().contains("OtlpHttpMetricExporter"), "metrics default to otlp: " + both);
            assertTrue(both.connectionMetrics("test", 10) != null);
            assertTrue(!metricsOnly.toString().contains("SpanExporter"), "sockwatch.spans=none: " + metricsOnly);
            assertTrue(metricsOnly.toString().contains("OtlpHttpMetricExporter"), metricsOnly.toString());
        } finally {
            both.shutdown(1000);
            metricsOnly.shutdown(1000);
        }
    }

    @Test
    void deferredMetricsStartOnFirstUseAndSayEachProblemOnce() {
        List<String> warnings = new ArrayList<>();
        Telemetry telemetry = Telemetry.start(new Properties(), Map.of(), Map.of("otel.exporter.otlp.timeout", "soon"),
                "test", new DeliveryLedger(), warnings::add, null, false, true);
        try {
            assertTrue(telemetry.toString().contains("OtlpHttpSpanExporter"), telemetry.toString());
            assertTrue(!telemetry.toString().contains("MetricExporter"), "not yet: " + telemetry);
            assertTrue(telemetry.connectionMetrics("test", 10) != null);
            assertTrue(telemetry.toString().contains("OtlpHttpMetricExporter"), telemetry.toString());
            assertEquals(1, warnings.size(), "the second build says nothing new: " + warnings);
        } finally {
            telemetry.shutdown(1000);
        }
    }
}
