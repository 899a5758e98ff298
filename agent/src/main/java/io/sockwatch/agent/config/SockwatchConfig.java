package io.sockwatch.agent.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.function.Consumer;

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

    /** Which connections become spans; {@code NONE}: metrics only. */
    public enum SpanMode { ALL, ERRORS, NONE }

    /**
     * Connections that may wait for their grace period, and for export. 5,000 connections a second closing at
     * both ends in one JVM are 10,000 endings in each one-second grace period; 10,000 connections closed at once
     * are 20,000: this holds both with room to spare, at about 8 bytes a slot until used.
     */
    static final int DEFAULT_QUEUE_SIZE = 32_768;

    /**
     * Distinct attribute sets with a peer per group of instruments: with the few hundred overflow sets, below the
     * SDK's own limit of 2000 per instrument (docs/telemetry.md, Cardinality).
     */
    static final int DEFAULT_METRICS_PEER_SETS = 1000;

    static final String ENABLED = "sockwatch.enabled";
    static final String SPANS = "sockwatch.spans";
    static final String CALLSITE = "sockwatch.close.callsite";
    static final String CALLSITE_DEPTH = "sockwatch.close.callsite.depth";
    static final String GRACE = "sockwatch.close.grace";
    static final String PEER_CHECK = "sockwatch.close.peer_check";
    static final String REUSE_IDLE = "sockwatch.reuse.idle_threshold";
    static final String EXCLUDE = "sockwatch.exclude.peers";
    static final String OPEN_CALLSITE = "sockwatch.open.callsite";
    static final String QUEUE = "sockwatch.queue.size";
    static final String METRICS_PEER_SETS = "sockwatch.metrics.max_peer_sets";
    static final String EXIT_TIMEOUT = "sockwatch.exit.timeout";
    static final String CACHE_DIR = "sockwatch.cache.dir";
    static final String DEBUG = "sockwatch.debug";

    /** What a setting accepts, and what applies when it is not set or cannot be used. */
    record Setting(String accepts, String byDefault) {
    }

    /**
     * Every key this version knows, in the README's order (the order they are listed in when a key is unknown);
     * unknown sockwatch.* keys are reported.
     */
    static final Map<String, Setting> KNOWN = knownKeys();

    private static Map<String, Setting> knownKeys() {
        Map<String, Setting> keys = new LinkedHashMap<>();
        keys.put(ENABLED, new Setting("true or false", "true"));
        keys.put(SPANS, new Setting("all, errors or none", "all"));
        keys.put(CALLSITE, new Setting("true or false", "true"));
        keys.put(CALLSITE_DEPTH, new Setting("a whole number from 1 to 64", "5"));
        keys.put(GRACE, new Setting("a duration from 0 to 60s, such as 500ms or 1.5s", "1s"));
        keys.put(PEER_CHECK, new Setting("true or false", "true"));
        keys.put(REUSE_IDLE, new Setting("a duration from 0 (off) to 1h, such as 500ms or 30s", "1s"));
        keys.put(OPEN_CALLSITE, new Setting("true or false", "false"));
        keys.put(EXCLUDE, new Setting(
                "a comma-separated list of host, host:port, ip, ip:port, [ipv6]:port, cidr or *:port", "none"));
        keys.put(QUEUE, new Setting("a whole number from 1 to 1000000", String.valueOf(DEFAULT_QUEUE_SIZE)));
        keys.put(METRICS_PEER_SETS, new Setting("a whole number from 1 to 100000",
                String.valueOf(DEFAULT_METRICS_PEER_SETS)));
        keys.put(EXIT_TIMEOUT, new Setting("a duration from 0 to 60s, such as 800ms or 5s", "800ms"));
        keys.put(CACHE_DIR, new Setting("an absolute directory path, or none to turn the cache off",
                "$XDG_CACHE_HOME/sockwatch, else ~/.cache/sockwatch"));
        keys.put(DEBUG, new Setting("true or false", "false"));
        return Collections.unmodifiableMap(keys);
    }

    private final boolean enabled;
    private final SpanMode spans;
    private final boolean closeCallSite;
    private final int callSiteDepth;
    private final Duration closeGrace;
    private final boolean closePeerCheck;
    private final Duration reuseIdleThreshold;
    private final List<String> excludedPeers;
    private final boolean openCallSite;
    private final int queueSize;
    private final Duration exitTimeout;
    private final int metricsPeerSets;
    private final Path cacheDir;
    private final boolean debug;
    private final Map<String, String> otelArguments;

    private SockwatchConfig(Lookup lookup, Properties props, Map<String, String> env) {
        this.enabled = lookup.bool(ENABLED, true);
        this.spans = lookup.choice(SPANS, SpanMode.class, SpanMode.ALL);
        this.closeCallSite = lookup.bool(CALLSITE, true);
        this.callSiteDepth = lookup.integer(CALLSITE_DEPTH, 5, 1, 64);
        this.closeGrace = lookup.duration(GRACE, Duration.ofSeconds(1), Duration.ofSeconds(60));
        this.closePeerCheck = lookup.bool(PEER_CHECK, true);
        this.reuseIdleThreshold = lookup.duration(REUSE_IDLE, Duration.ofSeconds(1), Duration.ofHours(1));
        this.excludedPeers = lookup.list(EXCLUDE);
        this.openCallSite = lookup.bool(OPEN_CALLSITE, false);
        this.queueSize = lookup.integer(QUEUE, DEFAULT_QUEUE_SIZE, 1, 1_000_000);
        this.metricsPeerSets = lookup.integer(METRICS_PEER_SETS, DEFAULT_METRICS_PEER_SETS, 1, 100_000);
        this.exitTimeout = lookup.duration(EXIT_TIMEOUT, Duration.ofMillis(800), Duration.ofSeconds(60));
        this.cacheDir = lookup.directory(CACHE_DIR, defaultCacheDir(props, env));
        this.debug = lookup.bool(DEBUG, false);
        this.otelArguments = lookup.otelArguments();
        lookup.reportUnknownKeys();
    }

    /**
     * Reads the configuration. {@code warn} receives one line per problem; nothing here throws on bad input.
     */
    public static SockwatchConfig load(String agentArgs, Properties systemProperties, Map<String, String> env,
                                       Consumer<String> warn) {
        return new SockwatchConfig(new Lookup(AgentArguments.parse(agentArgs, warn), systemProperties, env, warn),
                systemProperties, env);
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

    /**
     * The idle gap after which the next write first asks the kernel whether the peer already ended the connection
     * (stale reuse); zero turns the check off.
     */
    public Duration reuseIdleThreshold() {
        return reuseIdleThreshold;
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

    /** The cardinality cap of the metrics: distinct attribute sets with a peer per group of instruments. */
    public int metricsPeerSets() {
        return metricsPeerSets;
    }

    /** Where woven classes are kept between runs; null: not kept (woven anew by Byte Buddy at every start). */
    public Path cacheDir() {
        return cacheDir;
    }

    /** The user's own cache: {@code $XDG_CACHE_HOME} when it is absolute (the XDG rule), else {@code ~/.cache}. */
    static Path defaultCacheDir(Properties props, Map<String, String> env) {
        String xdg = env.get("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg.trim()).isAbsolute()) {
            return Path.of(xdg.trim(), "sockwatch");
        }
        String home = props.getProperty("user.home");
        return home == null || home.isBlank() || home.equals("?") ? null : Path.of(home, ".cache", "sockwatch");
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

        /**
         * The value to parse, or null for the default. An empty value is usually a template or a script that
         * left a variable unset: it is reported, because the default it gets may not be what was meant.
         */
        private String value(String key) {
            String v = raw(key);
            if (v != null && v.isEmpty()) {
                Setting s = KNOWN.get(key);
                warn.accept("sockwatch: ignoring empty " + key + ": expected " + s.accepts() + "; using "
                        + s.byDefault());
                return null;
            }
            return v;
        }

        private void bad(String key, String value) {
            Setting s = KNOWN.get(key);
            warn.accept("sockwatch: ignoring " + key + "=" + value + ": expected " + s.accepts() + "; using "
                    + s.byDefault());
        }

        boolean bool(String key, boolean defaultValue) {
            String v = value(key);
            if (v == null) {
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
            String v = value(key);
            if (v == null) {
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
            String v = value(key);
            if (v == null) {
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

        /**
         * A bare number is read as milliseconds, as OpenTelemetry reads its own durations, but said aloud: someone
         * who writes {@code close.grace=5} more likely means seconds. Zero needs no unit.
         */
        Duration duration(String key, Duration defaultValue, Duration max) {
            String v = value(key);
            if (v == null) {
                return defaultValue;
            }
            Durations.Written written = Durations.parse(v);
            if (written == null || written.duration().compareTo(max) > 0) {
                bad(key, v);
                return defaultValue;
            }
            Duration d = written.duration();
            if (written.unitless() && !d.isZero()) {
                warn.accept("sockwatch: " + key + "=" + v + " has no unit; reading it as " + Durations.format(d)
                        + " (write " + v + "ms, or " + v + "s for seconds)");
            }
            return d;
        }

        /** An absolute path; {@code none} for no directory at all. */
        Path directory(String key, Path defaultValue) {
            String v = value(key);
            if (v == null) {
                return defaultValue;
            }
            if (v.equalsIgnoreCase("none")) {
                return null;
            }
            try {
                Path p = Path.of(v);
                if (p.isAbsolute()) {
                    return p.normalize();
                }
            } catch (InvalidPathException ignored) {
                // reported below
            }
            bad(key, v);
            return defaultValue;
        }

        List<String> list(String key) {
            String v = value(key);
            if (v == null) {
                return List.of();
            }
            List<String> entries = new ArrayList<>();
            for (String entry : v.split("[,;]")) {
                if (!entry.isBlank()) {
                    entries.add(entry.trim());
                }
            }
            return List.copyOf(entries);
        }

        Map<String, String> otelArguments() {
            Map<String, String> otel = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : args.entrySet()) {
                if (e.getKey().startsWith("otel.")) {
                    otel.put(e.getKey(), e.getValue());
                }
            }
            return Map.copyOf(otel);
        }

        /**
         * One line for all unknown keys, each as the user wrote it, in a stable order (sources by precedence, then
         * sorted), with the known key it most likely meant.
         */
        void reportUnknownKeys() {
            // Plain loops, no streams or lambdas: this runs at every start, before the application's main.
            List<String> unknown = new ArrayList<>();
            for (String k : new TreeSet<>(props.stringPropertyNames())) {
                if (k.startsWith("sockwatch.") && !KNOWN.containsKey(k) && !k.startsWith("sockwatch.it.")) {
                    unknown.add("-D" + k + didYouMean(k, KNOWN.keySet(), "-D"));
                }
            }
            for (String k : new TreeSet<>(args.keySet())) {
                if (!k.startsWith("otel.") && !KNOWN.containsKey(k)) {
                    List<String> shortNames = new ArrayList<>();
                    for (String known : KNOWN.keySet()) {
                        shortNames.add(shortName(known));
                    }
                    unknown.add("agent argument " + shortName(k) + didYouMean(shortName(k), shortNames, ""));
                }
            }
            List<String> knownEnv = new ArrayList<>();
            for (String known : KNOWN.keySet()) {
                knownEnv.add(envName(known));
            }
            for (String n : new TreeSet<>(env.keySet())) {
                if (n.startsWith("SOCKWATCH_") && !knownEnv.contains(n) && !n.startsWith("SOCKWATCH_IT_")) {
                    unknown.add(n + didYouMean(n, knownEnv, ""));
                }
            }
            if (!unknown.isEmpty()) {
                warn.accept("sockwatch: ignoring unknown setting" + (unknown.size() > 1 ? "s " : " ")
                        + String.join(", ", unknown) + "; known settings: " + String.join(", ", KNOWN.keySet()));
            }
        }

        private static String shortName(String key) {
            return key.substring("sockwatch.".length());
        }

        /** A near miss (a typo: at most two edits, one for short names) names the key it most likely meant. */
        private static String didYouMean(String name, Collection<String> known, String prefix) {
            String best = null;
            int bestDistance = Integer.MAX_VALUE;
            for (String k : known) {
                int d = editDistance(name.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT));
                if (d < bestDistance) {
                    best = k;
                    bestDistance = d;
                }
            }
            int allowed = name.length() <= 8 ? 1 : 2;
            return best != null && bestDistance <= allowed ? " (did you mean " + prefix + best + "?)" : "";
        }
    }

    /** Levenshtein distance, with a swap of two neighbours counted as one edit (the commonest typo). */
    static int editDistance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    /** {@code sockwatch.close.callsite} → {@code SOCKWATCH_CLOSE_CALLSITE}. */
    static String envName(String key) {
        return key.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
    }
}
