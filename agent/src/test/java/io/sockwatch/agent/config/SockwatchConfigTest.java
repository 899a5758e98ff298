package io.sockwatch.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class SockwatchConfigTest {

    private final List<String> warnings = new ArrayList<>();

    private SockwatchConfig load(String args, Map<String, String> props, Map<String, String> env) {
        Properties p = new Properties();
        p.putAll(props);
        return SockwatchConfig.load(args, p, env, warnings::add);
    }

    @Test
    void defaults() {
        SockwatchConfig c = load(null, Map.of(), Map.of());
        assertTrue(c.enabled());
        assertEquals(SockwatchConfig.SpanMode.ALL, c.spans());
        assertTrue(c.closeCallSite());
        assertEquals(5, c.callSiteDepth());
        assertEquals(Duration.ofSeconds(1), c.closeGrace());
        assertEquals(List.of(), c.excludedPeers());
        assertEquals(SockwatchConfig.DEFAULT_QUEUE_SIZE, c.queueSize());
        assertEquals(SockwatchConfig.DEFAULT_METRICS_PEER_SETS, c.metricsPeerSets());
        assertFalse(c.debug());
        assertEquals(List.of(), warnings);
    }

    @Test
    void systemPropertyBeatsAgentArgumentBeatsEnvironment() {
        assertEquals(SockwatchConfig.SpanMode.ERRORS,
                load("spans=all", Map.of("sockwatch.spans", "errors"), Map.of("SOCKWATCH_SPANS", "all")).spans());
        assertEquals(SockwatchConfig.SpanMode.ERRORS,
                load("spans=errors", Map.of(), Map.of("SOCKWATCH_SPANS", "all")).spans());
        assertEquals(SockwatchConfig.SpanMode.ERRORS, load(null, Map.of(), Map.of("SOCKWATCH_SPANS", "ERRORS")).spans());
        assertEquals(SockwatchConfig.SpanMode.NONE, load("spans=none", Map.of(), Map.of()).spans());
        assertFalse(load(null, Map.of(), Map.of("SOCKWATCH_CLOSE_CALLSITE", "false")).closeCallSite());
        assertEquals(List.of(), warnings);
    }

    @Test
    void badValuesWarnOnceWithTheKeyAndAcceptedValuesAndUseTheDefault() {
        SockwatchConfig c = load(null, Map.of("sockwatch.spans", "bogus", "sockwatch.enabled", "yes",
                "sockwatch.close.grace", "forever", "sockwatch.queue.size", "0", "sockwatch.metrics.max_peer_sets", "0"),
                Map.of());
        assertEquals(SockwatchConfig.SpanMode.ALL, c.spans());
        assertTrue(c.enabled());
        assertEquals(Duration.ofSeconds(1), c.closeGrace());
        assertEquals(SockwatchConfig.DEFAULT_QUEUE_SIZE, c.queueSize());
        assertEquals(SockwatchConfig.DEFAULT_METRICS_PEER_SETS, c.metricsPeerSets());
        assertEquals(5, warnings.size(), warnings.toString());
        assertTrue(warnings.contains("sockwatch: ignoring sockwatch.spans=bogus: expected all, errors or none; using all"),
                warnings.toString());
        assertTrue(warnings.stream().anyMatch(w -> w.contains("sockwatch.enabled=yes") && w.contains("true or false")));
    }

    @Test
    void unknownKeysAreNamedInOneLine() {
        load("spanz=all", Map.of("sockwatch.spam", "x"), Map.of("SOCKWATCH_TYPO", "1", "OTHER", "2"));
        assertEquals(1, warnings.size(), warnings.toString());
        String w = warnings.get(0);
        assertTrue(w.contains("-Dsockwatch.spam") && w.contains("agent argument spanz") && w.contains("SOCKWATCH_TYPO"),
                w);
        assertTrue(w.contains("sockwatch.spans"), "lists the known keys: " + w);
    }

    @Test
    void unknownKeysAreSortedWithinEachSourceInPrecedenceOrder() {
        // Enough keys that a hash order would almost surely differ from the sorted one.
        Map<String, String> props = new java.util.HashMap<>();
        for (String k : List.of("zeta", "alpha", "mu", "beta", "omega", "kappa", "delta", "gamma")) {
            props.put("sockwatch." + k, "x");
        }
        load("zz=1,aa=1", props, Map.of("SOCKWATCH_ZULU", "1", "SOCKWATCH_ALPHA", "1", "SOCKWATCH_MIKE", "1"));
        assertEquals(1, warnings.size(), warnings.toString());
        String names = warnings.get(0).substring(0, warnings.get(0).indexOf("; known settings"));
        assertEquals("sockwatch: ignoring unknown settings -Dsockwatch.alpha, -Dsockwatch.beta, -Dsockwatch.delta, "
                + "-Dsockwatch.gamma, -Dsockwatch.kappa, -Dsockwatch.mu, -Dsockwatch.omega, -Dsockwatch.zeta, "
                + "agent argument aa, agent argument zz, SOCKWATCH_ALPHA, SOCKWATCH_MIKE, SOCKWATCH_ZULU", names);
        assertTrue(warnings.get(0).endsWith("; known settings: sockwatch.enabled, sockwatch.spans, "
                + "sockwatch.close.callsite, sockwatch.close.callsite.depth, sockwatch.close.grace, "
                + "sockwatch.close.peer_check, sockwatch.reuse.idle_threshold, sockwatch.open.callsite, "
                + "sockwatch.exclude.peers, sockwatch.queue.size, sockwatch.metrics.max_peer_sets, "
                + "sockwatch.exit.timeout, sockwatch.cache.dir, sockwatch.debug"), "known keys in the README's order: " + warnings.get(0));
    }

    @Test
    void aNearMissNamesTheKeyItMostLikelyMeant() {
        load("spanz=all", Map.of("sockwatch.colse.grace", "2s", "sockwatch.unrelated", "x"),
                Map.of("SOCKWATCH_CLOSE_CALSITE", "false"));
        assertEquals(List.of("sockwatch: ignoring unknown settings -Dsockwatch.colse.grace (did you mean "
                + "-Dsockwatch.close.grace?), -Dsockwatch.unrelated, agent argument spanz (did you mean spans?), "
                + "SOCKWATCH_CLOSE_CALSITE (did you mean SOCKWATCH_CLOSE_CALLSITE?); known settings: "
                + String.join(", ", SockwatchConfig.KNOWN.keySet())), warnings);
    }

    @Test
    void anEmptyValueIsReportedWithTheDefaultThatApplies() {
        SockwatchConfig c = load("close.callsite.depth=", Map.of("sockwatch.spans", ""),
                Map.of("SOCKWATCH_CLOSE_GRACE", "", "SOCKWATCH_EXCLUDE_PEERS", " "));
        assertEquals(SockwatchConfig.SpanMode.ALL, c.spans());
        assertEquals(5, c.callSiteDepth());
        assertEquals(Duration.ofSeconds(1), c.closeGrace());
        assertEquals(List.of(), c.excludedPeers());
        assertEquals(List.of(
                "sockwatch: ignoring empty sockwatch.spans: expected all, errors or none; using all",
                "sockwatch: ignoring empty sockwatch.close.callsite.depth: expected a whole number from 1 to 64; using 5",
                "sockwatch: ignoring empty sockwatch.close.grace: expected a duration from 0 to 60s, such as 500ms or "
                        + "1.5s; using 1s",
                "sockwatch: ignoring empty sockwatch.exclude.peers: expected a comma-separated list of host, host:port,"
                        + " ip, ip:port, [ipv6]:port, cidr or *:port; using none"), warnings);
    }

    @Test
    void theDefaultsNamedInMessagesAreTheDefaultsThatApply() {
        SockwatchConfig c = load(null, Map.of("user.home", "/home/someone"), Map.of());
        Map<String, String> actual = Map.ofEntries(
                Map.entry(SockwatchConfig.ENABLED, String.valueOf(c.enabled())),
                Map.entry(SockwatchConfig.SPANS, c.spans().name().toLowerCase(java.util.Locale.ROOT)),
                Map.entry(SockwatchConfig.CALLSITE, String.valueOf(c.closeCallSite())),
                Map.entry(SockwatchConfig.CALLSITE_DEPTH, String.valueOf(c.callSiteDepth())),
                Map.entry(SockwatchConfig.GRACE, Durations.format(c.closeGrace())),
                Map.entry(SockwatchConfig.PEER_CHECK, String.valueOf(c.closePeerCheck())),
                Map.entry(SockwatchConfig.REUSE_IDLE, Durations.format(c.reuseIdleThreshold())),
                Map.entry(SockwatchConfig.OPEN_CALLSITE, String.valueOf(c.openCallSite())),
                Map.entry(SockwatchConfig.EXCLUDE, c.excludedPeers().isEmpty() ? "none" : c.excludedPeers().toString()),
                Map.entry(SockwatchConfig.QUEUE, String.valueOf(c.queueSize())),
                Map.entry(SockwatchConfig.METRICS_PEER_SETS, String.valueOf(c.metricsPeerSets())),
                Map.entry(SockwatchConfig.EXIT_TIMEOUT, Durations.format(c.exitTimeout())),
                Map.entry(SockwatchConfig.CACHE_DIR, c.cacheDir().equals(Path.of("/home/someone/.cache/sockwatch"))
                        ? "$XDG_CACHE_HOME/sockwatch, else ~/.cache/sockwatch" : String.valueOf(c.cacheDir())),
                Map.entry(SockwatchConfig.DEBUG, String.valueOf(c.debug())));
        assertEquals(SockwatchConfig.KNOWN.keySet(), actual.keySet(), "every setting is compared");
        actual.forEach((key, value) -> assertEquals(value, SockwatchConfig.KNOWN.get(key).byDefault(), key));
    }

    @Test
    void theCacheIsTheUsersOwnOrNamedOrNone() {
        Map<String, String> home = Map.of("user.home", "/home/someone");
        assertEquals(Path.of("/home/someone/.cache/sockwatch"), load(null, home, Map.of()).cacheDir());
        assertEquals(Path.of("/xdg/cache/sockwatch"),
                load(null, home, Map.of("XDG_CACHE_HOME", "/xdg/cache")).cacheDir());
        // The XDG rule: a relative $XDG_CACHE_HOME is ignored.
        assertEquals(Path.of("/home/someone/.cache/sockwatch"),
                load(null, home, Map.of("XDG_CACHE_HOME", "relative")).cacheDir());
        assertEquals(null, load(null, Map.of(), Map.of()).cacheDir(), "no home, no cache");
        assertEquals(Path.of("/srv/cache"), load("cache.dir=/srv/cache", home, Map.of()).cacheDir());
        assertEquals(null, load(null, Map.of("user.home", "/h", "sockwatch.cache.dir", "none"), Map.of()).cacheDir());
        assertEquals(null, load(null, home, Map.of("SOCKWATCH_CACHE_DIR", "NONE")).cacheDir());
        assertEquals(List.of(), warnings);

        assertEquals(Path.of("/home/someone/.cache/sockwatch"),
                load(null, Map.of("user.home", "/home/someone", "sockwatch.cache.dir", "cache"), Map.of()).cacheDir());
        assertEquals(List.of("sockwatch: ignoring sockwatch.cache.dir=cache: expected an absolute directory path, "
                + "or none to turn the cache off; using $XDG_CACHE_HOME/sockwatch, else ~/.cache/sockwatch"), warnings);
    }

    @Test
    void agentArgumentsCarryListsAndOtelSettings() {
        SockwatchConfig c = load("exclude.peers=10.0.0.0/8,db:5432,spans=errors,otel.service.name=shop", Map.of(),
                Map.of());
        assertEquals(List.of("10.0.0.0/8", "db:5432"), c.excludedPeers());
        assertEquals(SockwatchConfig.SpanMode.ERRORS, c.spans());
        assertEquals(Map.of("otel.service.name", "shop"), c.otelArguments());
        assertEquals(List.of(), warnings);
    }

    @Test
    void malformedAgentArgumentIsReported() {
        load("=", Map.of(), Map.of());
        load("justaword", Map.of(), Map.of());
        assertTrue(warnings.stream().anyMatch(w -> w.contains("justaword") && w.contains("name=value")), warnings.toString());
    }

    @Test
    void durationsTakeDecimalsAndTheSdksUnits() {
        assertEquals(Duration.ofMillis(250), Durations.parse("250ms").duration());
        assertEquals(Duration.ofMillis(1500), Durations.parse("1.5s").duration());
        assertEquals(Duration.ofMillis(500), Durations.parse("0.5s").duration());
        assertEquals(Duration.ofMillis(500), Durations.parse(".5s").duration());
        assertEquals(Duration.ofSeconds(2), Durations.parse(" 2 S ").duration());
        assertEquals(Duration.ofMinutes(2), Durations.parse("2m").duration());
        assertEquals(Duration.ofMinutes(90), Durations.parse("1.5h").duration());
        assertEquals(Duration.ofNanos(1500), Durations.parse("1.5us").duration());
        assertEquals(new Durations.Written(Duration.ofMillis(250), true), Durations.parse("250"));
        assertEquals(false, Durations.parse("250ms").unitless());
        for (String notADuration : List.of("soon", "", "-5s", "1.5.2s", "5 seconds", "5x", "1e3ms", "s",
                "99999999999999999999d")) {
            assertEquals(null, Durations.parse(notADuration), notADuration);
        }
    }

    @Test
    void durationsAreWrittenBackInTheirLargestExactUnit() {
        assertEquals("1500ms", Durations.format(Duration.ofMillis(1500)));
        assertEquals("2s", Durations.format(Duration.ofSeconds(2)));
        assertEquals("2m", Durations.format(Duration.ofMinutes(2)));
        assertEquals("250us", Durations.format(Duration.ofNanos(250_000)));
        assertEquals("7ns", Durations.format(Duration.ofNanos(7)));
        assertEquals("0ms", Durations.format(Duration.ZERO));
    }

    @Test
    void aDecimalGraceIsAccepted() {
        assertEquals(Duration.ofMillis(1500), load(null, Map.of("sockwatch.close.grace", "1.5s"), Map.of())
                .closeGrace());
        assertEquals(Duration.ofMillis(500), load("close.grace=0.5s", Map.of(), Map.of()).closeGrace());
        assertEquals(List.of(), warnings);
    }

    @Test
    void aGraceWithoutUnitIsReadAsMillisecondsAndSaysSo() {
        assertEquals(Duration.ofMillis(5), load(null, Map.of("sockwatch.close.grace", "5"), Map.of()).closeGrace());
        assertEquals(List.of("sockwatch: sockwatch.close.grace=5 has no unit; reading it as 5ms (write 5ms, or 5s "
                + "for seconds)"), warnings);
    }

    @Test
    void zeroNeedsNoUnit() {
        assertEquals(Duration.ZERO, load(null, Map.of("sockwatch.close.grace", "0"), Map.of()).closeGrace());
        assertEquals(List.of(), warnings);
    }

    @Test
    void aGraceBeyondItsRangeIsOneLineAndTheDefault() {
        assertEquals(Duration.ofSeconds(1), load(null, Map.of("sockwatch.close.grace", "61s"), Map.of()).closeGrace());
        assertEquals(Duration.ofSeconds(1), load(null, Map.of("sockwatch.close.grace", "90000"), Map.of())
                .closeGrace());
        assertEquals(List.of(
                "sockwatch: ignoring sockwatch.close.grace=61s: expected a duration from 0 to 60s, such as 500ms or "
                        + "1.5s; using 1s",
                "sockwatch: ignoring sockwatch.close.grace=90000: expected a duration from 0 to 60s, such as 500ms or "
                        + "1.5s; using 1s"), warnings);
    }

    @Test
    void editDistanceCountsASwapAsOneEdit() {
        assertEquals(1, SockwatchConfig.editDistance("colse", "close"));
        assertEquals(1, SockwatchConfig.editDistance("spanz", "spans"));
        assertEquals(2, SockwatchConfig.editDistance("spam", "spans"));
    }
}
