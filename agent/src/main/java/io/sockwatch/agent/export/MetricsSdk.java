package io.sockwatch.agent.export;

import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdkBuilder;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.sockwatch.agent.tracker.AgentWork;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The metrics side of sockwatch's SDK: the meter provider, its exporters (wrapped, see
 * {@link AgentWorkMetricExporter}) and whether a pull reader (Prometheus) serves it. Built in the same SDK as the
 * spans, or (the agent) in a second one after the spans' is ready, so that the metrics never delay the first spans.
 */
final class MetricsSdk {

    static final MetricsSdk NONE = new MetricsSdk(null, List.of(), false);

    private final OpenTelemetrySdk sdk;
    private final List<AgentWorkMetricExporter> exporters;
    private final boolean scraped;

    MetricsSdk(OpenTelemetrySdk sdk, List<AgentWorkMetricExporter> exporters, boolean scraped) {
        this.sdk = sdk;
        this.exporters = List.copyOf(exporters);
        this.scraped = scraped;
    }

    /**
     * A metrics-only SDK from the same settings (the spans' SDK reported their problems; {@code warn} should drop
     * lines already said). A configuration error costs the metrics only.
     */
    static MetricsSdk build(OtelSettings otel, Map<String, String> defaults, ExportHealth health,
                            Consumer<String> warn) {
        OtelSettingsCheck check = OtelSettingsCheck.run(otel, defaults, warn);
        List<AgentWorkMetricExporter> exporters = new ArrayList<>();
        boolean[] scraped = new boolean[1];
        try {
            OpenTelemetrySdk sdk = check.build(Map.of("otel.traces.exporter", "none", "otel.logs.exporter", "none"),
                    withMetricCustomizers(AutoConfiguredOpenTelemetrySdk.builder()
                            .addPropertiesSupplier(() -> defaults)
                            .addPropertiesCustomizer(config -> {
                                exporters.clear(); // a build the settings check retries starts again
                                scraped[0] = false;
                                return Map.of();
                            }), exporters, scraped, health)
                            .disableShutdownHook())
                    .getOpenTelemetrySdk();
            return new MetricsSdk(sdk, exporters, scraped[0]);
        } catch (RuntimeException | LinkageError e) {
            warn.accept("sockwatch: OpenTelemetry configuration error (" + Telemetry.rootMessage(e)
                    + "); connections are tracked but no metrics are exported");
            return NONE;
        }
    }

    /** Wraps each metrics exporter the SDK builds, and notes a pull reader. */
    static AutoConfiguredOpenTelemetrySdkBuilder withMetricCustomizers(
            AutoConfiguredOpenTelemetrySdkBuilder builder, List<AgentWorkMetricExporter> exporters,
            boolean[] scraped, ExportHealth health) {
        return builder
                .addMetricExporterCustomizer((exporter, config) -> {
                    AgentWorkMetricExporter own = new AgentWorkMetricExporter(Telemetry.withoutJul(exporter), health);
                    exporters.add(own);
                    return own;
                })
                .addMetricReaderCustomizer((reader, config) -> {
                    // A pull reader (the Prometheus endpoint) has no exporter: it is scraped, never flushed.
                    if (reader.getClass().getSimpleName().startsWith("Prometheus")) {
                        scraped[0] = true;
                    }
                    return reader;
                });
    }

    /** Whether anything exports or serves the metrics. */
    boolean active() {
        return sdk != null && (!exporters.isEmpty() || scraped);
    }

    Meter meter(String scope, String version) {
        return sdk.getMeterProvider().meterBuilder(scope).setInstrumentationVersion(version).build();
    }

    /** Collects the metrics and sends them now; the result completes when the collector answered. */
    CompletableResultCode flush() {
        if (sdk == null || exporters.isEmpty()) {
            return CompletableResultCode.ofSuccess();
        }
        return AgentWork.run(() -> sdk.getSdkMeterProvider().forceFlush());
    }

    /** Closes the exporters without waiting: what they still send is cancelled. */
    void cancel() {
        for (AgentWorkMetricExporter e : exporters) {
            e.shutdownExporter();
        }
    }

    String describe() {
        return sdk == null ? "" : sdk.toString();
    }
}
