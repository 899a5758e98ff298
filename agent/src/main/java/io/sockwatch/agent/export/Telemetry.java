package io.sockwatch.agent.export;

import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.logging.LoggingMetricExporter;
import io.opentelemetry.exporter.logging.LoggingSpanExporter;
import io.opentelemetry.exporter.logging.otlp.OtlpJsonLoggingMetricExporter;
import io.opentelemetry.exporter.logging.otlp.OtlpJsonLoggingSpanExporter;
import io.opentelemetry.exporter.logging.otlp.internal.metrics.OtlpStdoutMetricExporterBuilder;
import io.opentelemetry.exporter.logging.otlp.internal.traces.OtlpStdoutSpanExporterBuilder;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.sockwatch.agent.tracker.AgentWork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
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

    /** Spans per export request: large enough for thousands of endings per second, small enough for any collector. */
    static final int DEFAULT_BATCH_SIZE = 512;
    /** How long a partly filled batch waits: short, so that a trace is in the backend a second after the ending. */
    static final Duration DEFAULT_SCHEDULE_DELAY = Duration.ofSeconds(1);

    private final OpenTelemetrySdk sdk;
    private final List<ExporterEndpoints.Endpoint> endpoints;
    private final SpanDelivery delivery;
    private final List<AgentWorkSpanExporter> exporters;
    /** The metrics side; built on first use when {@link #deferredMetrics} is set. */
    private volatile MetricsSdk metrics;
    private final Supplier<MetricsSdk> deferredMetrics;
    private final DeliveryLedger ledger;
    private final ExportHealth health;

    private Telemetry(OpenTelemetrySdk sdk, List<ExporterEndpoints.Endpoint> endpoints, SpanDelivery delivery,
                      List<AgentWorkSpanExporter> exporters, MetricsSdk metrics, Supplier<MetricsSdk> deferredMetrics,
                      DeliveryLedger ledger, ExportHealth health) {
        this.metrics = metrics;
        this.deferredMetrics = deferredMetrics;
        this.sdk = sdk;
        this.endpoints = endpoints;
        this.delivery = delivery;
        this.exporters = List.copyOf(exporters);
        this.ledger = ledger;
        this.health = health;
    }

    /** Where the configured exporters send, read from the same settings the SDK reads, before it starts. */
    public static List<ExporterEndpoints.Endpoint> exporterEndpoints(Properties props, Map<String, String> env,
                                                                     Map<String, String> agentArguments) {
        // With the corrections the SDK will get; their problems are reported once, when it starts.
        return ExporterEndpoints.of(OtelSettingsCheck.run(new OtelSettings(props, env, agentArguments), Map.of(),
                problem -> { }).corrected());
    }

    /** The ports sockwatch's own metrics endpoint serves on (otel.metrics.exporter=prometheus): never observed. */
    public static List<Integer> servedPorts(Properties props, Map<String, String> env, Map<String, String> agentArguments) {
        return ExporterEndpoints.servedPorts(OtelSettingsCheck.run(new OtelSettings(props, env, agentArguments),
                Map.of(), problem -> { }).corrected());
    }

    /** Whether any trace exporter is configured: with {@code otel.traces.exporter=none} no span is ever built. */
    public static boolean exportsTraces(Properties props, Map<String, String> env, Map<String, String> agentArguments) {
        OtelSettings corrected = OtelSettingsCheck.run(new OtelSettings(props, env, agentArguments), Map.of(),
                problem -> { }).corrected();
        for (String exporter : corrected.get("otel.traces.exporter", "otlp").split(",")) {
            if (!exporter.isBlank() && !exporter.trim().equalsIgnoreCase("none")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether any metrics exporter is configured. Like the OpenTelemetry Java agent, sockwatch exports metrics over
     * OTLP unless told otherwise.
     */
    public static boolean exportsMetrics(Properties props, Map<String, String> env, Map<String, String> agentArguments) {
        OtelSettings corrected = OtelSettingsCheck.run(new OtelSettings(props, env, agentArguments), Map.of(),
                problem -> { }).corrected();
        for (String exporter : corrected.get("otel.metrics.exporter", "otlp").split(",")) {
            if (!exporter.isBlank() && !exporter.trim().equalsIgnoreCase("none")) {
                return true;
            }
        }
        return false;
    }

    /** Builds the SDK with a ledger of its own and the SDK's log kept quiet: for tests and tools. */
    public static Telemetry start(Properties props, Map<String, String> env, Map<String, String> agentArguments,
                                  String version, Consumer<String> warn) {
        return start(props, env, agentArguments, version, new DeliveryLedger(), warn, null);
    }

    /**
     * Builds the SDK, its trace exporters delivering through {@link SpanDelivery} into {@code ledger}. A bad
     * {@code otel.*} value is reported in one line to {@code warn} and replaced by what applies without it
     * ({@link OtelSettingsCheck}); only a configuration error that names no setting is reported as such, and then
     * nothing is exported. {@code debug} receives the SDK's own log records, one line each, and is null unless
     * sockwatch.debug is on.
     */
    public static Telemetry start(Properties props, Map<String, String> env, Map<String, String> agentArguments,
                                  String version, DeliveryLedger ledger, Consumer<String> warn,
                                  Consumer<String> debug) {
        return start(props, env, agentArguments, version, ledger, warn, debug, false, false);
    }

    /**
     * The same; {@code noSpans} ({@code sockwatch.spans=none}) builds no trace exporter at all, whatever
     * {@code otel.traces.exporter} says: nothing would use it, and it would still warm up towards its collector.
     * {@code deferMetrics} (the agent) builds the metrics in a second SDK, on the first call to
     * {@link #connectionMetrics}: the spans' SDK is ready sooner, and a short program's spans are not held back by
     * the metrics' start.
     */
    public static Telemetry start(Properties props, Map<String, String> env, Map<String, String> agentArguments,
                                  String version, DeliveryLedger ledger, Consumer<String> said,
                                  Consumer<String> debug, boolean noSpans, boolean deferMetrics) {
        // The second build checks the same settings again: each problem is still said once.
        Set<String> lines = ConcurrentHashMap.newKeySet();
        Consumer<String> warn = line -> {
            if (lines.add(line)) {
                said.accept(line);
            }
        };
        SdkLog.install(debug);
        OtelSettings otel = new OtelSettings(props, env, agentArguments);
        Map<String, String> defaults = new HashMap<>(agentArguments);
        // sockwatch emits no logs: an OTLP logs exporter would only produce failed connections. Metrics default to
        // otlp, as in the OpenTelemetry Java agent.
        defaults.putIfAbsent("otel.logs.exporter", "none");
        // The SDK's own default is grpc; like the OpenTelemetry Java agent, and like ExporterEndpoints (which must
        // agree, or the agent would observe its own export), sockwatch defaults to http/protobuf on port 4318.
        defaults.putIfAbsent("otel.exporter.otlp.protocol", "http/protobuf");
        // SpanDelivery retries failed batches itself; the SDK's retries would hold a batch for seconds at exit.
        defaults.putIfAbsent("otel.java.exporter.otlp.retry.disabled", "true");
        if (otel.get("otel.service.name") == null && !mentionsServiceName(otel.get("otel.resource.attributes"))) {
            defaults.put("otel.service.name", ServiceNames.fromCommand(props.getProperty("sun.java.command")));
        }
        OtelSettingsCheck check = OtelSettingsCheck.run(otel, defaults, warn);
        List<ExporterEndpoints.Endpoint> endpoints = ExporterEndpoints.of(check.corrected());
        ExporterProbe probe = new ExporterProbe(endpoints);
        List<AgentWorkSpanExporter> exporters = new ArrayList<>();
        List<AgentWorkMetricExporter> metricExporters = new ArrayList<>();
        ExportHealth health = new ExportHealth();
        SpanDelivery[] delivery = new SpanDelivery[1];
        boolean[] scraped = new boolean[1];
        Map<String, String> overrides = new HashMap<>();
        if (noSpans) {
            overrides.put("otel.traces.exporter", "none");
        }
        if (deferMetrics) {
            overrides.put("otel.metrics.exporter", "none");
        }
        Supplier<MetricsSdk> later = deferMetrics ? () -> MetricsSdk.build(otel, defaults, health, warn) : null;
        try {
            OpenTelemetrySdk sdk = check.build(overrides, MetricsSdk.withMetricCustomizers(
                    AutoConfiguredOpenTelemetrySdk.builder()
                    .addPropertiesSupplier(() -> defaults)
                    .addPropertiesCustomizer(config -> {
                        // A build the settings check retries starts again from no exporter.
                        exporters.clear();
                        metricExporters.clear();
                        scraped[0] = false;
                        delivery[0] = null;
                        // sockwatch emits no logs, whatever otel.logs.exporter (the OpenTelemetry Java agent's,
                        // when it runs alongside) says. Metrics: see the overrides above.
                        return Map.of("otel.logs.exporter", "none");
                    })
                    .addSpanExporterCustomizer((exporter, config) -> {
                        AgentWorkSpanExporter own = new AgentWorkSpanExporter(withoutJul(exporter),
                                !writesToTheConsole(exporter), health);
                        exporters.add(own);
                        return own;
                    })
                    , metricExporters, scraped, health)
                    .addSpanProcessorCustomizer((processor, config) -> {
                        // The SDK's processor is discarded (its exporter outlives it): one SpanDelivery serves
                        // every configured exporter.
                        processor.shutdown();
                        if (delivery[0] != null) {
                            return SpanProcessor.composite();
                        }
                        delivery[0] = new SpanDelivery(exporters.size() == 1 ? exporters.get(0)
                                : SpanExporter.composite(new ArrayList<>(exporters)), ledger, probe::connectFailure,
                                config.getInt("otel.bsp.max.export.batch.size", DEFAULT_BATCH_SIZE),
                                config.getDuration("otel.bsp.schedule.delay", DEFAULT_SCHEDULE_DELAY).toNanos());
                        return delivery[0];
                    })
                    .disableShutdownHook())
                    .getOpenTelemetrySdk();
            return new Telemetry(sdk, endpoints, delivery[0], exporters,
                    deferMetrics ? null : new MetricsSdk(sdk, metricExporters, scraped[0]), later, ledger, health);
        } catch (RuntimeException | LinkageError e) {
            warn.accept("sockwatch: OpenTelemetry configuration error (" + rootMessage(e)
                    + "); connections are tracked but no spans are exported");
            return new Telemetry(OpenTelemetrySdk.builder().build(), endpoints, null, List.of(), null, later, ledger,
                    health);
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

    static MetricExporter withoutJul(MetricExporter exporter) {
        if (exporter instanceof LoggingMetricExporter) {
            return new ConsoleMetricExporter(System.err);
        }
        if (exporter instanceof OtlpJsonLoggingMetricExporter) {
            return new OtlpStdoutMetricExporterBuilder(Logger.getLogger(Telemetry.class.getName()))
                    .setOutput(System.err)
                    .setWrapperJsonObject(true)
                    .build();
        }
        return exporter;
    }

    private static boolean writesToTheConsole(SpanExporter exporter) {
        return exporter instanceof LoggingSpanExporter || exporter instanceof OtlpJsonLoggingSpanExporter
                || exporter.getClass().getSimpleName().startsWith("OtlpStdout");
    }

    private static boolean mentionsServiceName(String resourceAttributes) {
        return resourceAttributes != null && resourceAttributes.matches("(^|.*,)\\s*service\\.name\\s*=.*");
    }

    public Tracer tracer(String version) {
        return sdk.getTracerProvider().tracerBuilder(SCOPE).setInstrumentationVersion(version).build();
    }

    /**
     * The connection metrics, or null when no metrics exporter is configured. Builds the metrics' SDK first when it
     * was deferred: on a thread of sockwatch's own, never the application's.
     */
    public ConnectionMetrics connectionMetrics(String version, int maxPeerSets) {
        MetricsSdk m = metricsSdk();
        return m.active() ? new ConnectionMetrics(m.meter(SCOPE, version), maxPeerSets, ledger, health) : null;
    }

    private synchronized MetricsSdk metricsSdk() {
        if (metrics == null) {
            metrics = deferredMetrics == null ? MetricsSdk.NONE : AgentWork.run(deferredMetrics);
        }
        return metrics;
    }

    /** Collects the metrics and sends them now; the result completes when the collector answered. */
    CompletableResultCode flushMetrics() {
        MetricsSdk m = metrics;
        return m == null ? CompletableResultCode.ofSuccess() : m.flush();
    }

    /** Where the exporters send: these peers are never tracked. */
    public List<ExporterEndpoints.Endpoint> exporterEndpoints() {
        return endpoints;
    }

    /** The SDK's own description, exporters and their endpoints included. */
    @Override
    public String toString() {
        MetricsSdk m = metrics;
        return m == null || m.describe().equals(sdk.toString()) ? sdk.toString() : sdk + " " + m.describe();
    }

    /** The exporters that send to a collector over the network: what the warm-up request goes to. */
    SpanExporter collectors() {
        List<SpanExporter> remote = new ArrayList<>();
        for (AgentWorkSpanExporter e : exporters) {
            if (e.sendsToACollector()) {
                remote.add(e);
            }
        }
        return SpanExporter.composite(remote);
    }

    /** Where ended spans go; null when no trace exporter is configured. */
    SpanDelivery delivery() {
        return delivery;
    }

    /** Closes the exporters without waiting: what they still send is cancelled. */
    void cancelExports() {
        for (AgentWorkSpanExporter e : exporters) {
            e.shutdownExporter();
        }
        MetricsSdk m = metrics;
        if (m != null) {
            m.cancel();
        }
    }

    /** Delivers what is batched and closes the exporters, waiting at most {@code millis}: for tests and tools. */
    public void shutdown(long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        CompletableResultCode metrics = flushMetrics();
        if (delivery != null) {
            delivery.finish(deadline);
        }
        metrics.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())), TimeUnit.MILLISECONDS);
        MetricsSdk m = this.metrics;
        if (m != null) {
            m.cancel();
        }
        for (AgentWorkSpanExporter e : exporters) {
            e.shutdownExporter().join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())),
                    TimeUnit.MILLISECONDS);
        }
    }
}
