package io.sockwatch.agent.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockwatch.testapp.Caller;
import java.util.LinkedHashMap;
import java.util.List;
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
        // Caller was called by reflection, and JUnit calls this test so: the walk sees those frames, never keeps them.
        assertFalse(trace.contains(".reflect."), trace);
    }

    private static Map<String, Object> captureHere() {
        Map<String, Object> attributes = new LinkedHashMap<>();
        CallSite.addTo(attributes, 3); // the frames kept are JUnit's, which called this test: one place per test
        return attributes;
    }

    @Test
    void aPlaceIsDescribedOnceAndItsDescriptionSharedByTheEventsReadAfter() {
        CallSite.forgetSites();
        Map<String, Object> first = captureHere();
        Map<String, Object> second = captureHere();
        assertInstanceOf(CallSite.class, first.get(CallSite.KEY), "the application's thread only keeps frames");
        assertEquals(0, CallSite.knownSites(), "nothing is described while capturing");
        Map<String, Object> readFirst = CallSite.expand(first);
        Map<String, Object> readSecond = CallSite.expand(second);
        assertEquals(readFirst, readSecond);
        assertSame(readFirst.get("code.stacktrace"), readSecond.get("code.stacktrace"), "one description per place");
        assertEquals(1, CallSite.knownSites());
        assertTrue(((String) readSecond.get("code.stacktrace")).startsWith("at org.junit."));
    }

    @Test
    void aCaptureAtADescribedPlaceKeepsOnlyTheSharedDescription() {
        CallSite.forgetSites();
        Map<String, Object> first = captureHere();
        Map<String, Object> readFirst = CallSite.expand(first); // described on reading
        Map<String, Object> later = captureHere();
        assertInstanceOf(CallSite.Described.class, later.get(CallSite.KEY), "no frames kept at a known place");
        assertEquals(readFirst, CallSite.expand(later));
        assertSame(readFirst.get("code.stacktrace"), CallSite.expand(later).get("code.stacktrace"));
        Map<String, Object> elsewhere = Caller.capture(); // another place: read at once by the test helper
        assertEquals("io.sockwatch.testapp.Caller.capture", elsewhere.get("code.function.name"));
        assertEquals(2, CallSite.knownSites());
    }

    @Test
    void aPlaceIsTheWholeStackKeptNotOnlyItsTopFrame() {
        CallSite.forgetSites();
        Map<String, Object> deep = new LinkedHashMap<>();
        CallSite.addTo(deep, 3);
        Map<String, Object> shallow = new LinkedHashMap<>();
        CallSite.addTo(shallow, 1); // the same top frame, fewer frames: another place
        String deepTrace = (String) CallSite.expand(deep).get("code.stacktrace");
        String shallowTrace = (String) CallSite.expand(shallow).get("code.stacktrace");
        assertEquals(3, deepTrace.lines().count(), deepTrace);
        assertEquals(1, shallowTrace.lines().count(), shallowTrace);
        assertEquals(2, CallSite.knownSites());
    }

    @Test
    void theSharedDescriptionIsWhatDescribingTheFramesGives() {
        CallSite.forgetSites();
        Map<String, Object> first = captureHere();
        CallSite.expand(first); // remembered
        Map<String, Object> fromCache = CallSite.expand(captureHere());
        CallSite.forgetSites();
        Map<String, Object> fresh = CallSite.expand(captureHere());
        assertEquals(fresh, fromCache);
    }

    @Test
    void anotherPlaceHasItsOwnDescription() {
        CallSite.forgetSites();
        Map<String, Object> here = CallSite.expand(captureHere());
        Map<String, Object> there = Caller.capture();
        assertNotSame(here.get("code.stacktrace"), there.get("code.stacktrace"));
        assertEquals("io.sockwatch.testapp.Caller.capture", there.get("code.function.name"));
        assertEquals(2, CallSite.knownSites());
    }

    @Test
    void readingWithoutAMapGivesTheSameAttributesAsTheExpandedMap() {
        CallSite.forgetSites();
        for (int i = 0; i < 2; i++) { // the frames kept, then the shared description
            Map<String, Object> captured = new LinkedHashMap<>();
            captured.put("thread.name", "main");
            CallSite.addTo(captured, 3);
            captured.put("socket.close.threads_in_io", 2L);
            Map<String, Object> read = new LinkedHashMap<>();
            CallSite.forEach(captured, read::put);
            assertEquals(CallSite.expand(captured), read);
            assertEquals(List.of("thread.name", "code.function.name", "code.file.path", "code.line.number",
                    "code.stacktrace", "socket.close.threads_in_io"), List.copyOf(read.keySet()));
        }
    }
}
