package io.sockwatch.agent.export;

import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdkBuilder;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks the {@code otel.*} settings sockwatch's SDK reads, before it reads them: the SDK refuses to start on the
 * first value it cannot use, and then nothing at all is exported. Here a bad or empty value costs only itself: it
 * is reported in one line and replaced by what applies when the key is not set, through a properties customizer
 * (whose map the SDK puts above system properties, environment and defaults).
 *
 * <p>The rules are those of the 1.63 SDK autoconfiguration and of the exporters packed in the agent. A replacement
 * is the empty string where the SDK reads empty as unset (numbers, durations, booleans, lists, maps: then a
 * traces-specific key falls back to its general key, as when unset), and the value that applies otherwise (for
 * strings, which the SDK takes as they are). Whatever the checks miss, the SDK's own rejection names the key in most
 * cases: {@link #build} then replaces that key the same way and tries again.
 */
final class OtelSettingsCheck {

    private static final String EXPORTER = "otel.traces.exporter";
    private static final String SAMPLER = "otel.traces.sampler";
    private static final String SAMPLER_ARG = "otel.traces.sampler.arg";
    private static final String SERVICE_NAME = "otel.service.name";
    private static final String RESOURCE_ATTRIBUTES = "otel.resource.attributes";
    private static final String OTLP = "otel.exporter.otlp.";
    private static final String OTLP_TRACES = "otel.exporter.otlp.traces.";

    private static final List<String> EXPORTERS =
            List.of("otlp", "zipkin", "console", "logging", "logging-otlp", "experimental-otlp/stdout");
    private static final String METRICS_EXPORTER = "otel.metrics.exporter";
    /** The metrics exporters packed in the agent; prometheus serves them for scraping instead of sending. */
    private static final List<String> METRICS_EXPORTERS = List.of("otlp", "prometheus", "console", "logging",
            "logging-otlp");
    private static final List<String> SAMPLERS = List.of("parentbased_always_on", "parentbased_always_off",
            "parentbased_traceidratio", "always_on", "always_off", "traceidratio");
    private static final List<String> PROTOCOLS = List.of("http/protobuf", "grpc");
    private static final List<String> COMPRESSIONS = List.of("gzip", "none");

    /** Where sockwatch's defaults differ from the SDK's, a key the SDK rejects falls back to sockwatch's. */
    private static final Map<String, String> SOCKWATCH_DEFAULTS = Map.of(
            OTLP + "protocol", "http/protobuf", "otel.metrics.exporter", "otlp", "otel.logs.exporter", "none");

    /** How many keys the SDK may reject by name, one build each, before sockwatch gives up exporting. */
    private static final int MAX_REJECTED_KEYS = 5;

    private static final Pattern KEY = Pattern.compile("(?<![\\w.-])otel\\.[a-z0-9_.-]*[a-z0-9_]");

    /*
     * The SDK logs at INFO, through java.util.logging, that it closes what it had built whenever it rejects a
     * setting: a second report of a problem sockwatch reports in one line. The logger is sockwatch's own (its
     * class is relocated in the agent jar), so quieting it touches nothing of the application's. It is taken only
     * when the SDK is built, on the export thread: touching java.util.logging during premain would set up its
     * LogManager before an application that configures its own (java.util.logging.manager) can. It is held
     * because java.util.logging forgets the level of a logger nobody references.
     */
    private static volatile Logger quietedSdkLog;

    private final OtelSettings settings;
    private final Consumer<String> warn;
    private final OtelValues values;
    private final Set<String> rejectedBySdk = new HashSet<>();
    private boolean metricsOverOtlp;

    private OtelSettingsCheck(OtelSettings settings, Consumer<String> warn) {
        this.settings = settings;
        this.warn = warn;
        this.values = new OtelValues(settings, warn);
    }

    /**
     * Checks {@code settings}; {@code warn} gets one line per value replaced. {@code defaults} is what sockwatch
     * gives the SDK below every other layer: an empty service name falls back to the one it holds.
     */
    static OtelSettingsCheck run(OtelSettings settings, Map<String, String> defaults, Consumer<String> warn) {
        OtelSettingsCheck check = new OtelSettingsCheck(settings, warn);
        List<String> exporters = new ArrayList<>(check.exporters());
        List<String> metricsExporters = check.metricsExporters();
        check.metricsOverOtlp = metricsExporters.contains("otlp");
        exporters.addAll(metricsExporters);
        check.sampler();
        check.batchProcessor();
        check.spanLimits();
        check.resource(defaults);
        check.values.bool("otel.sdk.disabled", "false");
        if (exporters.contains("otlp")) {
            check.otlp();
        }
        if (exporters.contains("zipkin")) {
            check.zipkin();
        }
        return check;
    }

    /** The settings as the SDK reads them with the corrections: where its exporters send. */
    OtelSettings corrected() {
        return settings.withOverrides(values.corrections());
    }

    /** The replacements so far, key to the value the SDK reads instead. */
    Map<String, String> corrections() {
        return Map.copyOf(values.corrections());
    }

    /**
     * Builds the SDK with the corrections. When the SDK still rejects a setting and names it, that setting is
     * reported and replaced like the checked ones, and the build tried again; the last rejection is thrown when
     * no key is named, or when one comes back, or after {@value #MAX_REJECTED_KEYS} of them.
     */
    AutoConfiguredOpenTelemetrySdk build(AutoConfiguredOpenTelemetrySdkBuilder builder) {
        return build(Map.of(), builder);
    }

    /** The same, with {@code overrides} above every setting and correction. */
    AutoConfiguredOpenTelemetrySdk build(Map<String, String> overrides, AutoConfiguredOpenTelemetrySdkBuilder builder) {
        Logger sdkLog = Logger.getLogger(AutoConfiguredOpenTelemetrySdkBuilder.class.getName());
        sdkLog.setLevel(Level.WARNING);
        quietedSdkLog = sdkLog;
        // Read at every build, so a retry sees the keys replaced since.
        builder.addPropertiesCustomizer(config -> {
            Map<String, String> applied = new HashMap<>(values.corrections());
            applied.putAll(overrides);
            return applied;
        });
        while (true) {
            try {
                return builder.build();
            } catch (ConfigurationException e) {
                if (rejectedBySdk.size() >= MAX_REJECTED_KEYS || !replaceRejected(e)) {
                    throw e;
                }
            }
        }
    }

    private boolean replaceRejected(ConfigurationException e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            Matcher m = KEY.matcher(String.valueOf(t.getMessage()));
            if (m.find()) {
                String key = m.group();
                if (!rejectedBySdk.add(key)) {
                    return false; // replaced already, and rejected again: the problem is elsewhere
                }
                String given = settings.raw(key);
                String replacement = SOCKWATCH_DEFAULTS.getOrDefault(key, "");
                values.replace(key, replacement);
                warn.accept("sockwatch: ignoring " + key + (given == null ? "" : "=" + given.trim())
                        + ": the OpenTelemetry SDK rejects it (" + t.getMessage() + "); using "
                        + (replacement.isEmpty() ? "its default" : replacement));
                return true;
            }
        }
        return false;
    }

    private List<String> exporters() {
        String given = settings.raw(EXPORTER);
        if (given == null) {
            return List.of("otlp");
        }
        List<String> named = OtelValues.entries(given);
        List<String> known = named.stream().filter(n -> EXPORTERS.contains(n) || n.equals("none")).distinct().toList();
        if (!given.isBlank() && known.size() == named.size() && (known.size() == 1 || !known.contains("none"))) {
            return known;
        }
        // Keep what can be kept: one typo should not send spans elsewhere than the other exporters named.
        List<String> using = known.stream().filter(n -> !n.equals("none")).toList();
        if (using.isEmpty()) {
            using = known.contains("none") ? List.of("none") : List.of("otlp");
        }
        values.correct(EXPORTER, given, "a comma-separated list of " + String.join(", ", EXPORTERS) + ", or none alone",
                String.join(",", using), String.join(",", using));
        return using;
    }

    private List<String> metricsExporters() {
        String given = settings.raw(METRICS_EXPORTER);
        values.duration("otel.metric.export.interval", "60s");
        values.duration("otel.metric.export.timeout", "30s");
        values.integer("otel.exporter.prometheus.port", 1, "9464");
        if (given == null) {
            return List.of("otlp");
        }
        List<String> named = OtelValues.entries(given);
        List<String> known = named.stream().filter(n -> METRICS_EXPORTERS.contains(n) || n.equals("none")).distinct()
                .toList();
        if (!given.isBlank() && known.size() == named.size() && (known.size() == 1 || !known.contains("none"))) {
            return known;
        }
        List<String> using = known.stream().filter(n -> !n.equals("none")).toList();
        if (using.isEmpty()) {
            using = known.contains("none") ? List.of("none") : List.of("otlp");
        }
        String accepts = "a comma-separated list of " + String.join(", ", METRICS_EXPORTERS) + ", or none alone";
        values.correct(METRICS_EXPORTER, given, accepts, String.join(",", using), String.join(",", using));
        return using;
    }

    private void sampler() {
        String sampler = values.choice(SAMPLER, SAMPLERS, "one of " + String.join(", ", SAMPLERS),
                "parentbased_always_on");
        if (sampler.endsWith("traceidratio")) {
            // Read by the ratio samplers only, so only checked for them.
            String given = settings.raw(SAMPLER_ARG);
            if (given != null && !isRatio(given)) {
                values.correct(SAMPLER_ARG, given, "a number from 0 to 1 for " + sampler, "", "1.0");
            }
        }
    }

    private static boolean isRatio(String text) {
        try {
            double d = Double.parseDouble(text);
            return d >= 0 && d <= 1;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private void batchProcessor() {
        // sockwatch's SpanDelivery takes the place of the SDK's batch processor: it reads the batch size and the
        // schedule delay; the SDK still builds (and sockwatch discards) a processor from all four, so all are checked.
        values.duration("otel.bsp.schedule.delay", "1s");
        values.integer("otel.bsp.max.export.batch.size", 1, "512");
        values.duration("otel.bsp.export.timeout", "30s");
        values.integer("otel.bsp.max.queue.size", 1, "2048");
        for (String unused : new String[] {"otel.bsp.export.timeout", "otel.bsp.max.queue.size"}) {
            if (settings.get(unused) != null && !values.corrected(unused)) {
                warn.accept("sockwatch: " + unused + " is not used: sockwatch queues ended connections itself "
                        + "(sockwatch.queue.size), and each export is bounded by otel.exporter.otlp.timeout");
            }
        }
    }

    private void spanLimits() {
        values.integer("otel.attribute.value.length.limit", 0, "no limit");
        values.integer("otel.attribute.count.limit", 0, "128");
        String length = settings.get("otel.attribute.value.length.limit");
        values.integer("otel.span.attribute.value.length.limit", 0,
                length != null && !values.corrected("otel.attribute.value.length.limit") ? length : "no limit");
        String count = settings.get("otel.attribute.count.limit");
        values.integer("otel.span.attribute.count.limit", 0,
                count != null && !values.corrected("otel.attribute.count.limit") ? count : "128");
        values.integer("otel.span.event.count.limit", 0, "128");
        values.integer("otel.span.link.count.limit", 0, "128");
    }

    private void resource(Map<String, String> defaults) {
        String serviceFromAttributes = null;
        String given = settings.raw(RESOURCE_ATTRIBUTES);
        if (given != null) {
            List<String> kept = new ArrayList<>();
            boolean bad = false;
            for (String entry : OtelValues.entries(given)) {
                int eq = entry.indexOf('=');
                if (eq <= 0 || entry.substring(0, eq).isBlank()) {
                    bad = true;
                    continue;
                }
                kept.add(entry);
                if (entry.substring(0, eq).trim().equals("service.name") && !entry.substring(eq + 1).isBlank()) {
                    serviceFromAttributes = entry.substring(eq + 1).trim();
                }
            }
            if (bad || given.isBlank()) {
                String using = String.join(",", kept);
                values.correct(RESOURCE_ATTRIBUTES, given, "key=value pairs separated by commas", using,
                        kept.isEmpty() ? "none" : using);
            }
        }
        String name = settings.raw(SERVICE_NAME);
        if (name != null && name.isBlank()) {
            // The SDK would name the service "": the name it would have without the key is given instead.
            String fallback = serviceFromAttributes != null ? serviceFromAttributes
                    : defaults.getOrDefault(SERVICE_NAME, "");
            if (fallback.isBlank()) {
                fallback = "unknown_service:java";
            }
            values.correct(SERVICE_NAME, name, "a name", fallback, fallback);
        }
    }

    private void otlp() {
        String protocol = values.choice(OTLP + "protocol", PROTOCOLS,
                protocolsAccepted(settings.raw(OTLP + "protocol")), "http/protobuf");
        String tracesProtocol = values.choice(OTLP_TRACES + "protocol", PROTOCOLS,
                protocolsAccepted(settings.raw(OTLP_TRACES + "protocol")), protocol);
        endpoints(tracesProtocol.equals("grpc"));
        if (metricsOverOtlp) {
            metricsEndpoint(settings.get(OTLP + "metrics.protocol", protocol).equals("grpc"));
        }
        String compression = values.choice(OTLP + "compression", COMPRESSIONS, "gzip or none", "none");
        values.choice(OTLP_TRACES + "compression", COMPRESSIONS, "gzip or none", compression);
        String timeout = values.duration(OTLP + "timeout", "10s");
        values.duration(OTLP_TRACES + "timeout", timeout == null ? "10s" : timeout);
        headers(OTLP + "headers", "none");
        headers(OTLP_TRACES + "headers", OTLP + "headers");
        values.bool("otel.java.exporter.otlp.retry.disabled", "false");
    }

    private static String protocolsAccepted(String given) {
        return given != null && given.trim().equals("http/json")
                ? "grpc or http/protobuf (the OTLP exporter in the OpenTelemetry SDK has no http/json)"
                : "grpc or http/protobuf";
    }

    /**
     * The traces endpoint is read as it is; only without it, the general one, to which http/protobuf adds the
     * signal's path.
     */
    private void endpoints(boolean grpc) {
        String accepts = grpc
                ? "an http:// or https:// URL with no path, query or fragment, such as http://collector:4317"
                : "an http:// or https:// URL with no query or fragment, such as http://collector:4318";
        String traces = settings.raw(OTLP_TRACES + "endpoint");
        if (traces != null && isUrl(traces, grpc)) {
            return;
        }
        String general = settings.raw(OTLP + "endpoint");
        String base = grpc ? "http://localhost:4317" : "http://localhost:4318";
        if (general != null) {
            if (isUrl(general, grpc)) {
                base = general.trim();
            } else {
                values.correct(OTLP + "endpoint", general, accepts, base, base);
            }
        }
        if (traces != null) {
            String instead = grpc ? base : base + (base.endsWith("/") ? "" : "/") + "v1/traces";
            values.correct(OTLP_TRACES + "endpoint", traces, accepts, instead, instead);
        }
    }

    /**
     * The metrics exporter reads its own endpoint, or else the general one: a general endpoint the traces never
     * read may still be bad for the metrics.
     */
    private void metricsEndpoint(boolean grpc) {
        String metrics = settings.raw(OTLP + "metrics.endpoint");
        String general = settings.raw(OTLP + "endpoint");
        if ((metrics != null && isUrl(metrics, grpc)) || general == null || isUrl(general, grpc)
                || values.corrected(OTLP + "endpoint")) {
            return;
        }
        String base = grpc ? "http://localhost:4317" : "http://localhost:4318";
        values.correct(OTLP + "endpoint", general, grpc
                ? "an http:// or https:// URL with no path, query or fragment, such as http://collector:4317"
                : "an http:// or https:// URL with no query or fragment, such as http://collector:4318", base, base);
    }

    private static boolean isUrl(String text, boolean withoutPath) {
        try {
            URI uri = new URI(text.trim());
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                    && uri.getHost() != null && uri.getRawQuery() == null && uri.getRawFragment() == null
                    && (!withoutPath || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"));
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private void zipkin() {
        String endpoint = settings.raw("otel.exporter.zipkin.endpoint");
        if (endpoint != null && !isUrl(endpoint, false)) {
            String instead = "http://localhost:9411/api/v2/spans";
            values.correct("otel.exporter.zipkin.endpoint", endpoint,
                    "an http:// or https:// URL such as http://zipkin:9411/api/v2/spans", instead, instead);
        }
        values.duration("otel.exporter.zipkin.timeout", "10s");
    }

    /** Headers may carry credentials: the problem names entries by header name or position, never by value. */
    private void headers(String key, String otherwise) {
        String given = settings.raw(key);
        if (given == null) {
            return;
        }
        List<String> kept = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        List<String> entries = OtelValues.entries(given);
        for (int i = 0; i < entries.size(); i++) {
            String entry = entries.get(i);
            int eq = entry.indexOf('=');
            String name = eq < 0 ? "" : entry.substring(0, eq).trim();
            if (name.isEmpty()) {
                bad.add("#" + (i + 1));
                continue;
            }
            try {
                URLDecoder.decode(entry.substring(eq + 1).trim(), StandardCharsets.UTF_8);
                kept.add(entry);
            } catch (IllegalArgumentException e) {
                bad.add(name);
            }
        }
        String applies = kept.isEmpty() ? otherwise : "the other " + (kept.size() == 1 ? "header" : "headers");
        String accepts = "name=value pairs separated by commas, with URL-encoded values";
        if (given.isBlank()) {
            values.correct(key, given, accepts, "", otherwise);
        } else if (!bad.isEmpty()) {
            values.replace(key, String.join(",", kept));
            warn.accept("sockwatch: ignoring " + key + (bad.size() == 1 ? " entry " : " entries ")
                    + String.join(", ", bad) + " (values not shown): expected " + accepts + "; using " + applies);
        }
    }
}
