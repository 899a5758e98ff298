package io.sockwatch.agent.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A bad {@code otel.*} value costs only itself: one line, that key's default, and export goes on with the other
 * settings. Settings are given as agent arguments, the one layer of the SDK's that a test can set without touching
 * the JVM's system properties or environment; what the SDK built is read from its description.
 */
class OtelSettingsCheckTest {

    private static final String OTLP_HTTP = "OtlpHttpSpanExporter{endpoint=http://localhost:4318/v1/traces";

    private final List<String> warnings = new ArrayList<>();

    /** Starts the SDK as the agent does and returns its description. */
    private String start(Map<String, String> settings) {
        return start(new Properties(), settings);
    }

    private String start(Properties props, Map<String, String> settings) {
        Telemetry telemetry = Telemetry.start(props, Map.of(), settings, "test", warnings::add);
        try {
            return telemetry.toString();
        } finally {
            telemetry.shutdown(1000);
        }
    }

    private static Map<String, String> settings(String... keysAndValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    @Test
    void anUnknownSamplerIsOneLineAndSpansAreStillExportedWithTheDefaultSampler() {
        String sdk = start(settings("otel.traces.sampler", "bogus"));
        assertEquals(List.of("sockwatch: ignoring otel.traces.sampler=bogus: expected one of parentbased_always_on, "
                + "parentbased_always_off, parentbased_traceidratio, always_on, always_off, traceidratio; using "
                + "parentbased_always_on"), warnings);
        assertTrue(sdk.contains("sampler=ParentBased{root:AlwaysOnSampler"), sdk);
        assertTrue(sdk.contains(OTLP_HTTP), "spans are still exported: " + sdk);
    }

    @Test
    void anEmptyTimeoutIsOneClearLine() {
        String sdk = start(settings("otel.exporter.otlp.timeout", ""));
        assertEquals(List.of("sockwatch: ignoring empty otel.exporter.otlp.timeout: expected a duration such as 10s,"
                + " 500ms or 1.5s; using 10s"), warnings);
        assertTrue(sdk.contains("timeoutNanos=10000000000"), sdk);
    }

    @Test
    void aBlankTimeoutIsTheSameLineNotTheSdksMessage() {
        // " " is what the SDK garbled: "Invalid duration property otel.exporter.otlp.timeout= . Expected number, found: "
        String sdk = start(settings("otel.exporter.otlp.timeout", " "));
        assertEquals(List.of("sockwatch: ignoring empty otel.exporter.otlp.timeout: expected a duration such as 10s,"
                + " 500ms or 1.5s; using 10s"), warnings);
        assertTrue(sdk.contains(OTLP_HTTP), sdk);
    }

    @Test
    void twoBadKeysAreTwoLinesAndTheOtherSettingsStand() {
        String sdk = start(settings(
                "otel.traces.sampler", "sometimes",
                "otel.exporter.otlp.endpoint", "http://collector.example:14318",
                "otel.bsp.max.export.batch.size", "lots",
                "otel.bsp.schedule.delay", "200ms",
                "otel.exporter.otlp.timeout", "3s"));
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("sockwatch: ignoring otel.traces.sampler=sometimes: "), warnings.get(0));
        assertEquals("sockwatch: ignoring otel.bsp.max.export.batch.size=lots: expected a whole number, 1 or more; "
                + "using 512", warnings.get(1));
        assertTrue(sdk.contains("root:AlwaysOnSampler"), sdk);
        assertTrue(sdk.contains("maxExportBatchSize=512"), sdk);
        assertTrue(sdk.contains("OtlpHttpSpanExporter{endpoint=http://collector.example:14318/v1/traces"), sdk);
        assertTrue(sdk.contains("timeoutNanos=3000000000"), sdk);
        assertTrue(sdk.contains("scheduleDelayNanos=200000000"), sdk);
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of(settings("otel.traces.exporter", "jaeger"),
                        "sockwatch: ignoring otel.traces.exporter=jaeger: expected a comma-separated list of otlp, "
                                + "zipkin, console, logging, logging-otlp, experimental-otlp/stdout, or none alone; "
                                + "using otlp", OTLP_HTTP),
                Arguments.of(settings("otel.traces.exporter", ""),
                        "sockwatch: ignoring empty otel.traces.exporter: expected a comma-separated list of otlp, "
                                + "zipkin, console, logging, logging-otlp, experimental-otlp/stdout, or none alone; "
                                + "using otlp", OTLP_HTTP),
                Arguments.of(settings("otel.traces.exporter", "zipkin,bogus"),
                        "using zipkin", "ZipkinSpanExporter{endpoint=http://localhost:9411/api/v2/spans"),
                Arguments.of(settings("otel.traces.exporter", "otlp,otlp"), "using otlp", OTLP_HTTP),
                Arguments.of(settings("otel.traces.exporter", "none,console"), "using console", "ConsoleSpanExporter"),
                Arguments.of(settings("otel.exporter.otlp.protocol", "http/json"),
                        "sockwatch: ignoring otel.exporter.otlp.protocol=http/json: expected grpc or http/protobuf "
                                + "(the OTLP exporter in the OpenTelemetry SDK has no http/json); using http/protobuf",
                        OTLP_HTTP),
                Arguments.of(settings("otel.exporter.otlp.protocol", "grpc", "otel.exporter.otlp.traces.protocol", "h2"),
                        "sockwatch: ignoring otel.exporter.otlp.traces.protocol=h2: expected grpc or http/protobuf; "
                                + "using grpc", "OtlpGrpcSpanExporter{endpoint=http://localhost:4317"),
                Arguments.of(settings("otel.traces.sampler", ""),
                        "sockwatch: ignoring empty otel.traces.sampler: expected one of", "root:AlwaysOnSampler"),
                Arguments.of(settings("otel.traces.sampler", "traceidratio", "otel.traces.sampler.arg", "2"),
                        "sockwatch: ignoring otel.traces.sampler.arg=2: expected a number from 0 to 1 for "
                                + "traceidratio; using 1.0", "sampler=TraceIdRatioBased{1.000000}"),
                Arguments.of(settings("otel.traces.sampler", "parentbased_traceidratio",
                                "otel.traces.sampler.arg", "half"),
                        "sockwatch: ignoring otel.traces.sampler.arg=half: expected a number from 0 to 1 for "
                                + "parentbased_traceidratio; using 1.0", "root:TraceIdRatioBased{1.000000}"),
                Arguments.of(settings("otel.exporter.otlp.timeout", "5x"),
                        "sockwatch: ignoring otel.exporter.otlp.timeout=5x: expected a duration such as 10s, 500ms "
                                + "or 1.5s; using 10s", "timeoutNanos=10000000000"),
                Arguments.of(settings("otel.exporter.otlp.timeout", "-1"),
                        "sockwatch: ignoring otel.exporter.otlp.timeout=-1:", "timeoutNanos=10000000000"),
                Arguments.of(settings("otel.exporter.otlp.timeout", "3s", "otel.exporter.otlp.traces.timeout", "soon"),
                        "sockwatch: ignoring otel.exporter.otlp.traces.timeout=soon: expected a duration such as 10s,"
                                + " 500ms or 1.5s; using 3s", "timeoutNanos=3000000000"),
                Arguments.of(settings("otel.bsp.schedule.delay", "soon"),
                        "sockwatch: ignoring otel.bsp.schedule.delay=soon: expected a duration such as 10s, 500ms or"
                                + " 1.5s; using 1s", "scheduleDelayNanos=1000000000"),
                Arguments.of(settings("otel.bsp.export.timeout", "-5s"),
                        "sockwatch: ignoring otel.bsp.export.timeout=-5s: expected a duration such as 10s, 500ms or "
                                + "1.5s; using 30s", OTLP_HTTP),
                Arguments.of(settings("otel.bsp.max.queue.size", "0"),
                        "sockwatch: ignoring otel.bsp.max.queue.size=0: expected a whole number, 1 or more; using "
                                + "2048", OTLP_HTTP),
                Arguments.of(settings("otel.span.attribute.count.limit", "-1"),
                        "sockwatch: ignoring otel.span.attribute.count.limit=-1: expected a whole number, 0 or more; "
                                + "using 128", "maxNumberOfAttributes=128,"),
                Arguments.of(settings("otel.attribute.count.limit", "64", "otel.span.attribute.count.limit", "x"),
                        "sockwatch: ignoring otel.span.attribute.count.limit=x: expected a whole number, 0 or more; "
                                + "using 64", "maxNumberOfAttributes=64,"),
                Arguments.of(settings("otel.attribute.value.length.limit", "long"),
                        "sockwatch: ignoring otel.attribute.value.length.limit=long: expected a whole number, 0 or "
                                + "more; using no limit", "maxAttributeValueLength=2147483647"),
                Arguments.of(settings("otel.exporter.otlp.endpoint", "localhost:4318"),
                        "sockwatch: ignoring otel.exporter.otlp.endpoint=localhost:4318: expected an http:// or "
                                + "https:// URL with no query or fragment, such as http://collector:4318; using "
                                + "http://localhost:4318", OTLP_HTTP),
                Arguments.of(settings("otel.exporter.otlp.endpoint", ""),
                        "sockwatch: ignoring empty otel.exporter.otlp.endpoint: expected an http:// or https:// URL",
                        OTLP_HTTP),
                Arguments.of(settings("otel.exporter.otlp.protocol", "grpc",
                                "otel.exporter.otlp.endpoint", "http://collector.example:4317/v1"),
                        "sockwatch: ignoring otel.exporter.otlp.endpoint=http://collector.example:4317/v1: expected "
                                + "an http:// or https:// URL with no path, query or fragment, such as "
                                + "http://collector:4317; using http://localhost:4317",
                        "OtlpGrpcSpanExporter{endpoint=http://localhost:4317"),
                Arguments.of(settings("otel.exporter.otlp.endpoint", "http://collector.example:14318",
                                "otel.exporter.otlp.traces.endpoint", "collector.example"),
                        "sockwatch: ignoring otel.exporter.otlp.traces.endpoint=collector.example: expected an "
                                + "http:// or https:// URL with no query or fragment, such as http://collector:4318; "
                                + "using http://collector.example:14318/v1/traces",
                        "OtlpHttpSpanExporter{endpoint=http://collector.example:14318/v1/traces"),
                Arguments.of(settings("otel.exporter.otlp.compression", "zstd"),
                        "sockwatch: ignoring otel.exporter.otlp.compression=zstd: expected gzip or none; using none",
                        "compressorEncoding=null"),
                Arguments.of(settings("otel.exporter.otlp.compression", "gzip",
                                "otel.exporter.otlp.traces.compression", "GZIP"),
                        "sockwatch: ignoring otel.exporter.otlp.traces.compression=GZIP: expected gzip or none; using"
                                + " gzip", "compressorEncoding=gzip"),
                Arguments.of(settings("otel.resource.attributes", "team,deployment.environment.name=prod"),
                        "sockwatch: ignoring otel.resource.attributes=team,deployment.environment.name=prod: expected"
                                + " key=value pairs separated by commas; using deployment.environment.name=prod",
                        "deployment.environment.name=\"prod\""),
                Arguments.of(settings("otel.sdk.disabled", "yes"),
                        "sockwatch: ignoring otel.sdk.disabled=yes: expected true or false; using false", OTLP_HTTP),
                Arguments.of(settings("otel.traces.exporter", "zipkin", "otel.exporter.zipkin.endpoint", "zipkin:9411"),
                        "sockwatch: ignoring otel.exporter.zipkin.endpoint=zipkin:9411: expected an http:// or "
                                + "https:// URL such as http://zipkin:9411/api/v2/spans; using "
                                + "http://localhost:9411/api/v2/spans",
                        "ZipkinSpanExporter{endpoint=http://localhost:9411/api/v2/spans"),
                Arguments.of(settings("otel.traces.exporter", "zipkin", "otel.exporter.zipkin.timeout", "-1s"),
                        "sockwatch: ignoring otel.exporter.zipkin.timeout=-1s: expected a duration such as 10s, 500ms"
                                + " or 1.5s; using 10s", "readTimeoutMillis=10000"));
    }

    @ParameterizedTest
    @MethodSource("badValues")
    void aBadValueIsOneLineAndExportGoesOn(Map<String, String> given, String line, String inSdk) {
        String sdk = start(given);
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("sockwatch: ignoring "), warnings.get(0));
        assertTrue(warnings.get(0).contains(line), "expected '" + line + "' in " + warnings.get(0));
        assertTrue(sdk.contains(inSdk), "expected " + inSdk + " in " + sdk);
    }

    static Stream<Arguments> goodValues() {
        return Stream.of(
                Arguments.of(settings("otel.exporter.otlp.timeout", "1.5s"), "timeoutNanos=1500000000"),
                Arguments.of(settings("otel.exporter.otlp.timeout", "2S"), "timeoutNanos=2000000000"),
                Arguments.of(settings("otel.exporter.otlp.timeout", "2500"), "timeoutNanos=2500000000"),
                Arguments.of(settings("otel.bsp.schedule.delay", "0.25s"), "scheduleDelayNanos=250000000"),
                Arguments.of(settings("otel.traces.sampler", " always_off "), "sampler=AlwaysOffSampler"),
                Arguments.of(settings("otel.traces.sampler", "parentbased_always_off", "otel.traces.sampler.arg", "x"),
                        "root:AlwaysOffSampler"),
                Arguments.of(settings("otel.bsp.max.export.batch.size", " 64 "), "maxExportBatchSize=64"),
                // Without metrics the general endpoint is read by nobody.
                Arguments.of(settings("otel.exporter.otlp.traces.endpoint", "http://traces.example:24318/v1/traces",
                        "otel.exporter.otlp.endpoint", "not a url", "otel.metrics.exporter", "none"),
                        "endpoint=http://traces.example:24318/v1/traces"),
                Arguments.of(settings("otel.traces.exporter", "console, otlp"), OTLP_HTTP));
    }

    @ParameterizedTest
    @MethodSource("goodValues")
    void aValueTheSdkCanBeGivenIsSilent(Map<String, String> given, String inSdk) {
        String sdk = start(given);
        assertEquals(List.of(), warnings);
        assertTrue(sdk.contains(inSdk), "expected " + inSdk + " in " + sdk);
    }

    @Test
    void headerValuesAreNeverPrinted() {
        String sdk = start(settings("otel.exporter.otlp.headers", "Bearer-s3cret,Authorization=Bearer%zz,X-Tenant=a"));
        assertEquals(List.of("sockwatch: ignoring otel.exporter.otlp.headers entries #1, Authorization (values not "
                + "shown): expected name=value pairs separated by commas, with URL-encoded values; using the other "
                + "header"), warnings);
        assertTrue(sdk.contains(OTLP_HTTP), sdk);
    }

    @Test
    void badTracesHeadersFallBackToTheGeneralOnes() {
        start(settings("otel.exporter.otlp.headers", "X-Tenant=a", "otel.exporter.otlp.traces.headers", "oops"));
        assertEquals(List.of("sockwatch: ignoring otel.exporter.otlp.traces.headers entry #1 (values not shown): "
                + "expected name=value pairs separated by commas, with URL-encoded values; using "
                + "otel.exporter.otlp.headers"), warnings);
    }

    @Test
    void anEmptyServiceNameIsReplacedByTheOneSockwatchWouldGive() {
        Properties props = new Properties();
        props.setProperty("sun.java.command", "com.example.Shop --port 80");
        String sdk = start(props, settings("otel.service.name", ""));
        assertEquals(List.of("sockwatch: ignoring empty otel.service.name: expected a name; using Shop"), warnings);
        assertTrue(sdk.contains("service.name=\"Shop\""), sdk);
    }

    @Test
    void anEmptyServiceNameGivesWayToTheOneInResourceAttributes() {
        String sdk = start(settings("otel.service.name", "", "otel.resource.attributes", "service.name=cart"));
        assertEquals(List.of("sockwatch: ignoring empty otel.service.name: expected a name; using cart"), warnings);
        assertTrue(sdk.contains("service.name=\"cart\""), sdk);
    }

    @Test
    void theExcludedEndpointIsWhereTheCorrectedSettingsSend() {
        // Without the correction the malformed endpoint names no host, and the agent would observe its own export.
        Map<String, String> given = settings("otel.exporter.otlp.endpoint", "localhost:4318");
        Telemetry telemetry = Telemetry.start(new Properties(), Map.of(), given, "test", warnings::add);
        try {
            List<String> excluded = telemetry.exporterEndpoints().stream().map(e -> e.host() + ":" + e.port()).toList();
            assertEquals(List.of("localhost:4318"), excluded);
            assertTrue(telemetry.toString().contains(OTLP_HTTP), telemetry.toString());
        } finally {
            telemetry.shutdown(1000);
        }
        assertEquals(List.of("localhost:4318"), Telemetry.exporterEndpoints(new Properties(), Map.of(), given).stream()
                .map(e -> e.host() + ":" + e.port()).toList(), "the list the agent excludes before the SDK starts");
    }

    @Test
    void aKeyTheChecksMissIsReplacedWhenTheSdkNamesItAndExportGoesOn() {
        // otel.propagators is not checked: sockwatch's spans have no parents to propagate.
        String sdk = start(settings("otel.propagators", "bogus", "otel.traces.sampler", "always_off"));
        assertEquals(List.of("sockwatch: ignoring otel.propagators=bogus: the OpenTelemetry SDK rejects it "
                + "(Unrecognized value for otel.propagators: bogus. Make sure the artifact including the propagator is"
                + " on the classpath.); using its default"), warnings);
        assertTrue(sdk.contains(OTLP_HTTP), sdk);
        assertTrue(sdk.contains("sampler=AlwaysOffSampler"), "the other settings stand: " + sdk);
        assertTrue(sdk.contains("W3CTraceContextPropagator"), "the SDK's default propagators: " + sdk);
    }

    @Test
    void theSdksOwnLogOfARejectionStaysQuiet() {
        // Its INFO line about closing what it had built would be a second, unprefixed report of the same problem.
        List<java.util.logging.LogRecord> logged = new ArrayList<>();
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                logged.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(
                io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdkBuilder.class.getName());
        log.setLevel(null);
        log.addHandler(handler);
        try {
            start(settings("otel.propagators", "bogus"));
        } finally {
            log.removeHandler(handler);
        }
        assertEquals(1, warnings.size(), warnings.toString());
        assertEquals(List.of(), logged.stream().map(java.util.logging.LogRecord::getMessage).toList());
    }

    @Test
    void aBadMetricsExporterFallsBackToOtlpLikeAnUnsetOne() {
        String sdk = start(settings("otel.metrics.exporter", "bogus"));
        assertEquals(List.of("sockwatch: ignoring otel.metrics.exporter=bogus: expected a comma-separated list of otlp, "
                + "prometheus, console, logging, logging-otlp, or none alone; using otlp"), warnings);
        assertTrue(sdk.contains("OtlpHttpMetricExporter"), sdk);
        assertTrue(sdk.contains(OTLP_HTTP), sdk);
    }

    @Test
    void aGeneralEndpointOnlyTheMetricsReadIsCheckedForThem() {
        String sdk = start(settings("otel.exporter.otlp.traces.endpoint", "http://traces.example:24318/v1/traces",
                "otel.exporter.otlp.endpoint", "not a url"));
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("sockwatch: ignoring otel.exporter.otlp.endpoint=not a url: expected an "
                + "http:// or https:// URL"), warnings.get(0));
        assertTrue(sdk.contains("endpoint=http://traces.example:24318/v1/traces"), sdk);
        assertTrue(sdk.contains("endpoint=http://localhost:4318/v1/metrics"), sdk);
    }

    @Test
    void aRejectionThatNamesNoKeyStopsExportWithOneLine() {
        String sdk = start(settings("otel.java.exporter.memory_mode", "tiny"));
        assertEquals(List.of("sockwatch: OpenTelemetry configuration error (Unrecognized memory mode: tiny: No enum "
                + "constant io.opentelemetry.sdk.common.export.MemoryMode.TINY); connections are tracked but no spans "
                + "are exported"), warnings);
        assertFalse(sdk.contains("SpanExporter"), sdk);
    }

    @Test
    void aKeyRejectedAgainAfterItsReplacementEndsTheRetries() {
        AtomicInteger builds = new AtomicInteger();
        OtelSettingsCheck check = OtelSettingsCheck.run(new OtelSettings(new Properties(), Map.of(), Map.of()),
                Map.of(), warnings::add);
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> check.build(
                AutoConfiguredOpenTelemetrySdk.builder().disableShutdownHook().addSamplerCustomizer((s, c) -> {
                    builds.incrementAndGet();
                    throw new ConfigurationException("otel.example.key is broken");
                })));
        assertEquals("otel.example.key is broken", e.getMessage());
        assertEquals(2, builds.get(), "one retry after the replacement, none after the second rejection");
        assertEquals(List.of("sockwatch: ignoring otel.example.key: the OpenTelemetry SDK rejects it (otel.example.key"
                + " is broken); using its default"), warnings);
        assertEquals(Map.of("otel.example.key", ""), check.corrections());
    }

    @Test
    void retriesAreBounded() {
        AtomicInteger builds = new AtomicInteger();
        OtelSettingsCheck check = OtelSettingsCheck.run(new OtelSettings(new Properties(), Map.of(), Map.of()),
                Map.of(), warnings::add);
        assertThrows(ConfigurationException.class, () -> check.build(
                AutoConfiguredOpenTelemetrySdk.builder().disableShutdownHook().addSamplerCustomizer((s, c) -> {
                    throw new ConfigurationException("otel.example.key" + builds.incrementAndGet() + " is broken");
                })));
        assertEquals(6, builds.get(), "a first build and one retry for each of five keys");
        assertEquals(5, warnings.size(), warnings.toString());
    }

    @Test
    void theChecksAloneReplaceNothingThatIsFine() {
        Consumer<String> fail = line -> {
            throw new AssertionError(line);
        };
        OtelSettingsCheck check = OtelSettingsCheck.run(new OtelSettings(new Properties(), Map.of(), settings(
                "otel.traces.exporter", "otlp,zipkin", "otel.exporter.otlp.protocol", "grpc",
                "otel.exporter.otlp.endpoint", "https://collector.example:4317/", "otel.exporter.otlp.timeout", "10000",
                "otel.exporter.otlp.headers", "Authorization=Bearer%20x", "otel.resource.attributes", "a=b,c=",
                "otel.traces.sampler", "traceidratio", "otel.traces.sampler.arg", "0.25",
                "otel.exporter.zipkin.endpoint", "http://zipkin.example:9411/api/v2/spans")), Map.of(), fail);
        assertEquals(Map.of(), check.corrections());
    }
}
