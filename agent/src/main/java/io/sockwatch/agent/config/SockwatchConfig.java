package io.sockwatch.agent.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * sockwatch's own settings, read once at startup.
 *
 * <p>Each setting {@code sockwatch.<name>} is looked up, first found wins, as: the system property
 * {@code -Dsockwatch.<name>}, the agent argument {@code -javaagent:sockwatch-agent.jar=<name>=value}, the
 * environment variable {@code SOCKWATCH_<NAME>} (dots become underscores, upper case), then the default.
 * A value that cannot be used is reported in one line naming the key and what is accepted, and the default
 * applies: a broken configuration never stops the application.
 */
public final class SockwatchConfig {

    public enum SpanMode { ALL, ERRORS }

    /**
     * Connections that may wait for their grace period, and for export. 5,000 connections a second closing at
     * both ends in one JVM are 10,000 endings in each one-second grace period; 10,000 connections closed at once
     * are 20,000: this holds both with room to spare, at about 8 bytes a slot until used.
     */
    static final int DEFAULT_QUEUE_SIZE = 32_768;

    static final String ENABLED = "sockwatch.enabled";
    static final String SPANS = "sockwatch.spans";
    static final String CALLSITE = "sockwatch.close.callsite";
    static final String CALLSITE_DEPTH = "sockwatch.close.callsite.depth";
    static final String GRACE = "sockwatch.close.grace";
    static final String PEER_CHECK = "sockwatch.close.peer_check";
    static final String EXCLUDE = "sockwatch.exclude.peers";
    static final String OPEN_CALLSITE = "sockwatch.open.callsite";
    static final String QUEUE = "sockwatch.queue.size";
    static final String EXIT_TIMEOUT = "sockwatch.exit.timeout";
    static final String DEBUG = "sockwatch.debug";

    /** Every key this version knows, with what it accepts; unknown sockwatch.* keys are reported. */
    static final Map<String, String> KNOWN = knownKeys();

    private static Map<String, String> knownKeys() {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put(ENABLED, "true or false");
        keys.put(SPANS, "all or errors");
        keys.put(CALLSITE, "true or false");
        keys.put(CALLSITE_DEPTH, "a whole number from 1 to 64");
        keys.put(GRACE, "a duration from 0 to 60s, such as 500ms or 2s");
        keys.put(PEER_CHECK, "true or false");
        keys.put(OPEN_CALLSITE, "true or false");
        keys.put(EXCLUDE, "a comma-separated list of host, host:port, ip, ip:port, [ipv6]:port, cidr or *:port");
        keys.put(QUEUE, "a whole number from 1 to 1000000");
        keys.put(EXIT_TIMEOUT, "a duration from 0 to 60s, such as 500ms or 5s");
        keys.put(DEBUG, "true or false");
        return Map.copyOf(keys);
    }

    private final boolean enabled;
    private final SpanMode spans;
    private final boolean closeCallSite;
    private final int callSiteDepth;
    private final Duration closeGrace;
    private final boolean closePeerCheck;
    private final List<String> excludedPeers;
    private final boolean openCallSite;
    private final int queueSize;
    private final Duration exitTimeout;
    private final boolean debug;
    private final Map<String, String> otelArguments;

    private SockwatchConfig(Lookup lookup) {
        this.enabled = lookup.bool(ENABLED, true);
        this.spans = lookup.choice(SPANS, SpanMode.class, SpanMode.ALL);
        this.closeCallSite = lookup.bool(CALLSITE, true);
        this.callSiteDepth = lookup.integer(CALLSITE_DEPTH, 5, 1, 64);
        this.closeGrace = lookup.duration(GRACE, Duration.ofSeconds(1), Duration.ofSeconds(60));
        this.closePeerCheck = lookup.bool(PEER_CHECK, true);
        this.excludedPeers = lookup.list(EXCLUDE);
        this.openCallSite = lookup.bool(OPEN_CALLSITE, false);
        this.queueSize = lookup.integer(QUEUE, DEFAULT_QUEUE_SIZE, 1, 1_000_000);
        this.exitTimeout = lookup.duration(EXIT_TIMEOUT, Duration.ofMillis(500), Duration.ofSeconds(60));
        this.debug = lookup.bool(DEBUG, false);
        this.otelArguments = lookup.otelArguments();
        lookup.reportUnknownKeys();
    }

    /**
     * Reads the configuration. {@code warn} receives one line per problem; nothing here throws on bad input.
     */
    public static SockwatchConfig load(String agentArgs, Properties systemProperties, Map<String, String> env,
                                       Consumer<String> warn) {
        return new SockwatchConfig(new Lookup(AgentArguments.parse(agentArgs, warn), systemProperties, env, warn));
    }

    public boolean enabled() {
        return enabled;
    }

    public SpanMode spans() {
        return spans;
    }

    public boolean closeCallSite() {
        return closeCallSite;
    }

    public int callSiteDepth() {
        return callSiteDepth;
    }

    public Duration closeGrace() {
        return closeGrace;
    }

    /** Whether a local close asks the kernel if the peer had already closed (CLOSE_WAIT). */
    public boolean closePeerCheck() {
        return closePeerCheck;
    }

    /** Whether to record where each connection was opened (to find the code that leaks sockets). */
    public boolean openCallSite() {
        return openCallSite;
    }

    public List<String> excludedPeers() {
        return excludedPeers;
    }

    public int queueSize() {
        return queueSize;
    }

    /** How long the JVM's exit may wait for the last spans to reach the collector. */
    public Duration exitTimeout() {
        return exitTimeout;
    }

    public boolean debug() {
        return debug;
    }

    /** {@code otel.*} settings given as agent arguments; system properties and environment still override. */
    public Map<String, String> otelArguments() {
        return otelArguments;
    }

    /** Looks keys up in the documented order and turns bad values into one warning and the default. */
    private static final class Lookup {
        private final Map<String, String> args;
        private final Properties props;
        private final Map<String, String> env;
        private final Consumer<String> warn;

        Lookup(Map<String, String> args, Properties props, Map<String, String> env, Consumer<String> warn) {
            this.args = args;
            this.props = props;
            this.env = env;
            this.warn = warn;
        }

        private String raw(String key) {
            String v = props.getProperty(key);
            if (v == null) {
                v = args.get(key);
            }
            if (v == null) {
                v = env.get(envName(key));
            }
            return v == null ? null : v.trim();
        }

        private void bad(String key, String value) {
            warn.accept("sockwatch: ignoring " + key + "=" + value + ": expected " + KNOWN.get(key)
                    + "; using the default");
        }

        boolean bool(String key, boolean defaultValue) {
            String v = raw(key);
            if (v == null || v.isEmpty()) {
                return defaultValue;
            }
            if (v.equalsIgnoreCase("true")) {
                return true;
            }
            if (v.equalsIgnoreCase("false")) {
                return false;
            }
            bad(key, v);
            return defaultValue;
        }

        <E extends Enum<E>> E choice(String key, Class<E> type, E defaultValue) {
            String v = raw(key);
            if (v == null || v.isEmpty()) {
                return defaultValue;
            }
            for (E e : type.getEnumConstants()) {
                if (e.name().equalsIgnoreCase(v)) {
                    return e;
                }
            }
            bad(key, v);
            return defaultValue;
        }

        int integer(String key, int defaultValue, int min, int max) {
            String v = raw(key);
            if (v == null || v.isEmpty()) {
                return defaultValue;
            }
            try {
                int i = Integer.parseInt(v);
                if (i >= min && i <= max) {
                    return i;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            bad(key, v);
            return defaultValue;
        }

        Duration duration(String key, Duration defaultValue, Duration max) {
            String v = raw(key);
            if (v == null || v.isEmpty()) {
                return defaultValue;
            }
            Duration d = Durations.parse(v);
            if (d == null || d.isNegative() || d.compareTo(max) > 0) {
                bad(key, v);
                return defaultValue;
            }
            return d;
        }

        List<String> list(String key) {
            String v = raw(key);
            if (v == null || v.isEmpty()) {
                return List.of();
            }
            return Arrays.stream(v.split("[,;]"))
                    .map(String::trim)
                    .filter(s -> !s.isEmpty())
                    .collect(Collectors.toUnmodifiableList());
        }

        Map<String, String> otelArguments() {
            Map<String, String> otel = new LinkedHashMap<>();
            args.forEach((k, v) -> {
                if (k.startsWith("otel.")) {
                    otel.put(k, v);
                }
            });
            return Map.copyOf(otel);
        }

        void reportUnknownKeys() {
            List<String> unknown = new ArrayList<>();
            for (String key : props.stringPropertyNames()) {
                if (key.startsWith("sockwatch.") && !KNOWN.containsKey(key) && !key.startsWith("sockwatch.it.")) {
                    unknown.add("-D" + key);
                }
            }
            for (String key : args.keySet()) {
                if (!key.startsWith("otel.") && !KNOWN.containsKey(key)) {
                    unknown.add("agent argument " + key.substring("sockwatch.".length()));
                }
            }
            for (String name : env.keySet()) {
                if (name.startsWith("SOCKWATCH_") && KNOWN.keySet().stream().noneMatch(k -> envName(k).equals(name))
                        && !name.startsWith("SOCKWATCH_IT_")) {
                    unknown.add(name);
                }
            }
            if (!unknown.isEmpty()) {
                warn.accept("sockwatch: ignoring unknown setting" + (unknown.size() > 1 ? "s " : " ")
                        + String.join(", ", unknown) + "; known settings: " + String.join(", ", KNOWN.keySet()));
            }
        }
    }

    /** {@code sockwatch.close.callsite} → {@code SOCKWATCH_CLOSE_CALLSITE}. */
    static String envName(String key) {
        return key.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
    }
}
