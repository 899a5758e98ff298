package io.sockwatch.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        assertEquals(2048, c.queueSize());
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
        assertFalse(load(null, Map.of(), Map.of("SOCKWATCH_CLOSE_CALLSITE", "false")).closeCallSite());
        assertEquals(List.of(), warnings);
    }

    @Test
    void badValuesWarnOnceWithTheKeyAndAcceptedValuesAndUseTheDefault() {
        SockwatchConfig c = load(null, Map.of("sockwatch.spans", "bogus", "sockwatch.enabled", "yes",
                "sockwatch.close.grace", "forever", "sockwatch.queue.size", "0"), Map.of());
        assertEquals(SockwatchConfig.SpanMode.ALL, c.spans());
        assertTrue(c.enabled());
        assertEquals(Duration.ofSeconds(1), c.closeGrace());
        assertEquals(2048, c.queueSize());
        assertEquals(4, warnings.size(), warnings.toString());
        assertTrue(warnings.contains("sockwatch: ignoring sockwatch.spans=bogus: expected all or errors; using the"
                + " default"), warnings.toString());
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
    void durations() {
        assertEquals(Duration.ofMillis(250), Durations.parse("250ms"));
        assertEquals(Duration.ofMillis(250), Durations.parse("250"));
        assertEquals(Duration.ofSeconds(2), Durations.parse(" 2s "));
        assertEquals(Duration.ofMinutes(1), Durations.parse("1m"));
        assertEquals(null, Durations.parse("soon"));
        assertEquals(Duration.ZERO, load(null, Map.of("sockwatch.close.grace", "0"), Map.of()).closeGrace());
    }
}
