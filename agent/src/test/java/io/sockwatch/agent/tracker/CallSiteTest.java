package io.sockwatch.agent.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockwatch.testapp.Caller;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CallSiteTest {

    @Test
    void skipsJdkAndAgentFrames() {
        assertFalse(CallSite.isApplicationFrame("java.net.Socket"));
        assertFalse(CallSite.isApplicationFrame("sun.nio.ch.NioSocketImpl"));
        assertFalse(CallSite.isApplicationFrame("jdk.internal.net.http.HttpClientImpl"));
        assertFalse(CallSite.isApplicationFrame("io.sockwatch.agent.tracker.ConnectionTracker"));
        assertFalse(CallSite.isApplicationFrame("io.sockwatch.bootstrap.SocketBridge"));
        assertTrue(CallSite.isApplicationFrame("com.example.Pool"));
        assertTrue(CallSite.isApplicationFrame("org.apache.http.impl.BHttpConnectionBase"));
    }

    @Test
    void describesTheFirstApplicationFrames() {
        Map<String, Object> a = Caller.capture(); // Caller lives outside io.sockwatch.agent: an application frame
        assertEquals("io.sockwatch.testapp.Caller.capture", a.get("code.function.name"));
        assertEquals("Caller.java", a.get("code.file.path"));
        assertTrue((Long) a.get("code.line.number") > 0);
        String trace = (String) a.get("code.stacktrace");
        assertTrue(trace.startsWith("at io.sockwatch.testapp.Caller.capture(Caller.java:"), trace);
        assertTrue(trace.lines().count() <= 2, trace);
    }
}
