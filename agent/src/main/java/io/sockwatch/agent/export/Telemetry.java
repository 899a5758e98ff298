package io.sockwatch.agent.export;

import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.logging.LoggingSpanExporter;
import io.opentelemetry.exporter.logging.otlp.OtlpJsonLoggingSpanExporter;
import io.opentelemetry.exporter.logging.otlp.internal.traces.OtlpStdoutSpanExporterBuilder;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * sockwatch's private OpenTelemetry SDK, configured by the standard {@code otel.*} / {@code OTEL_*} settings
 * exactly as the SDK autoconfiguration reads them. It is never registered as the global OpenTelemetry, so the
 * application's own OpenTelemetry (if any) is untouched.
 */
public final class Telemetry {

    public static final String SCOPE = "io.sockwatch";

    private final OpenTelemetrySdk sdk;
    private final List<ExporterEndpoints.Endpoint> endpoints;

    private Telemetry(OpenTelemetrySdk sdk, List<ExporterEndpoints.Endpoint> endpoints) {
        this.sdk = sdk;
        this.endpoints = endpoints;
    }

    /** Where the configured exporters send, read from the same settings the SDK reads, before it starts. */
    public static List<ExporterEndpoints.Endpoint> exporterEndpoints(Properties props, Map<String, String> env,
                                                                     Map<String, String> agentArguments) {
        // With the corrections the SDK will get; their problems are reported once, when it starts.
        return ExporterEndpoints.of(OtelSettingsCheck.run(new OtelSettings(props, env, agentArguments), Map.of(),
                problem -> { }).corrected());
    }

    /**
     * Builds the SDK. A bad {@code otel.*} value is reported in one line to {@code warn} and replaced by what
     * applies without it ({@link OtelSettingsCheck}); only a configuration error that names no setting is reported
     * as such, and then nothing is exported.
     */
    public static Telemetry start(Properties props, Map<String, String> env, Map<String, String> agentArguments,
                                  String version, Consumer<String> warn) {
        OtelSettings otel = new OtelSettings(props, env, agentArguments);
        Map<String, String> defaults = new HashMap<>(agentArguments);
        // sockwatch emits traces only; an OTLP metrics or logs exporter would only produce failed connections.
        defaults.putIfAbsent("otel.metrics.exporter", "none");
        defaults.putIfAbsent("otel.logs.exporter", "none");
        // The SDK's own default is grpc; like the OpenTelemetry Java agent, and like ExporterEndpoints (which must
        // agree, or the agent would observe its own export), sockwatch defaults to http/protobuf on port 4318.
        defaults.putIfAbsent("otel.exporter.otlp.protocol", "http/protobuf");
        if (otel.get("otel.service.name") == null && !mentionsServiceName(otel.get("otel.resource.attributes"))) {
            defaults.put("otel.service.name", ServiceNames.fromCommand(props.getProperty("sun.java.command")));
        }
        OtelSettingsCheck check = OtelSettingsCheck.run(otel, defaults, warn);
        List<ExporterEndpoints.Endpoint> endpoints = ExporterEndpoints.of(check.corrected());
        try {
            OpenTelemetrySdk sdk = check.build(AutoConfiguredOpenTelemetrySdk.builder()
                    .addPropertiesSupplier(() -> defaults)
                    .addSpanExporterCustomizer((exporter, config) -> new AgentWorkSpanExporter(withoutJul(exporter)))
                    .disableShutdownHook())
                    .getOpenTelemetrySdk();
            return new Telemetry(sdk, endpoints);
        } catch (RuntimeException | LinkageError e) {
            warn.accept("sockwatch: OpenTelemetry configuration error (" + rootMessage(e)
                    + "); connections are tracked but no spans are exported");
            return new Telemetry(OpenTelemetrySdk.builder().build(), endpoints);
        }
    }

    /** The SDK wraps the cause in "Unexpected configuration error"; the cause is what the user can act on. */
    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + ": " + t.getMessage();
    }

    /**
     * The SDK's console exporters log through java.util.logging, whose shutdown hook resets its handlers while
     * ours flushes: the last spans of a short-lived program would vanish. These write to stderr directly.
     */
    private static SpanExporter withoutJul(SpanExporter exporter) {
        if (exporter instanceof LoggingSpanExporter) {
            return new ConsoleSpanExporter(System.err);
        }
        if (exporter instanceof OtlpJsonLoggingSpanExporter) {
            return new OtlpStdoutSpanExporterBuilder(Logger.getLogger(Telemetry.class.getName()))
                    .setOutput(System.err)
                    .setWrapperJsonObject(true)
                    .build();
        }
        return exporter;
    }

    private static boolean mentionsServiceName(String resourceAttributes) {
        return resourceAttributes != null && resourceAttributes.matches("(^|.*,)\\s*service\\.name\\s*=.*");
    }

    public Tracer tracer(String version) {
        return sdk.getTracerProvider().tracerBuilder(SCOPE).setInstrumentationVersion(version).build();
    }

    /** Where the exporters send: these peers are never tracked. */
    public List<ExporterEndpoints.Endpoint> exporterEndpoints() {
        return endpoints;
    }

    /** The SDK's own description, exporters and their endpoints included. */
    @Override
    public String toString() {
        return sdk.toString();
    }

    /** Exports what is buffered and stops, waiting at most {@code millis}. */
    public void shutdown(long millis) {
        sdk.getSdkTracerProvider().forceFlush().join(millis, TimeUnit.MILLISECONDS);
        sdk.shutdown().join(millis, TimeUnit.MILLISECONDS);
    }
}
