package io.sockwatch.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The check made before anything else is loaded reads sockwatch.enabled as the configuration does. */
class SockwatchAgentTest {

    @AfterEach
    void clear() {
        System.clearProperty("sockwatch.enabled");
    }

    @Test
    void disabledByAgentArgumentInAnyCaseAndPosition() {
        assertTrue(SockwatchAgent.disabled("enabled=false"));
        assertTrue(SockwatchAgent.disabled("spans=errors, sockwatch.enabled = FALSE ,otel.service.name=x"));
        assertTrue(SockwatchAgent.disabled("enabled=true,enabled=false"), "the last one wins");
        assertFalse(SockwatchAgent.disabled("enabled=true"));
        assertFalse(SockwatchAgent.disabled("exclude.peers=enabled,db:5432"));
        assertFalse(SockwatchAgent.disabled(null));
        assertFalse(SockwatchAgent.disabled(""));
    }

    @Test
    void theSystemPropertyComesFirst() {
        System.setProperty("sockwatch.enabled", "true");
        assertFalse(SockwatchAgent.disabled("enabled=false"));
        System.setProperty("sockwatch.enabled", " false ");
        assertTrue(SockwatchAgent.disabled("enabled=true"));
        System.setProperty("sockwatch.enabled", "no");
        assertFalse(SockwatchAgent.disabled(null), "a bad value is the configuration's to report");
        assertEquals("no", SockwatchAgent.setting(null, "enabled"));
    }
}
