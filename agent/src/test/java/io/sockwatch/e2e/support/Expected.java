package io.sockwatch.e2e.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * What one side of a scenario must report: the verdict, the event that goes with it, the bytes moved, and whether
 * the application closed it (then a {@code socket.close} event names the scenario program's frame). Built from
 * {@link #client}, {@link #server} or {@link #listener}, refined by the methods that return a changed copy.
 */
public final class Expected {

    /** Where the scenario programs live: the call site of every close they make. */
    private static final String APPLICATION = "io.sockwatch.e2e.scenarios.";

    private String name = "socket.connection";
    private String kind;
    private String api;
    /** The verdicts accepted: reason → origin (the kernel's timing may decide between them). */
    private Map<String, String> verdicts;
    private String detectedBy;
    private String event;
    private long read;
    private long written;
    private boolean writtenAtLeast;
    private String errorType;
    private boolean closedByApplication = true;
    /** Where the close's call site must be: the scenario programs, or the library that closes for them. */
    private String closeSite = APPLICATION;

    private Expected() {
    }

    private static Expected of(String kind, String api, String origin, String reason, String detectedBy) {
        Expected e = new Expected();
        e.kind = kind;
        e.api = api;
        e.verdicts = Map.of(reason, origin);
        e.detectedBy = detectedBy;
        return e;
    }

    public static Expected client(String api, String origin, String reason, String detectedBy) {
        return of("CLIENT", api, origin, reason, detectedBy);
    }

    public static Expected server(String api, String origin, String reason, String detectedBy) {
        return of("SERVER", api, origin, reason, detectedBy);
    }

    /** The span of a listener closed under a pending accept: no connection, an accept_failed event, no close event. */
    public static Expected listener(String api, String reason) {
        Expected e = of("INTERNAL", api, "local_close", reason, "accept").event("socket.accept_failed").neverClosed();
        e.name = "socket.listener";
        return e;
    }

    private Expected copy() {
        Expected e = new Expected();
        e.name = name;
        e.kind = kind;
        e.api = api;
        e.verdicts = verdicts;
        e.detectedBy = detectedBy;
        e.event = event;
        e.read = read;
        e.written = written;
        e.writtenAtLeast = writtenAtLeast;
        e.errorType = errorType;
        e.closedByApplication = closedByApplication;
        e.closeSite = closeSite;
        return e;
    }

    /** Any of these reasons is right, with the same origin (the kernel's timing decides between them). */
    public Expected reasons(String... acceptable) {
        Expected e = copy();
        String origin = verdicts.values().iterator().next();
        Map<String, String> all = new HashMap<>();
        for (String reason : acceptable) {
            all.put(reason, origin);
        }
        e.verdicts = Map.copyOf(all);
        return e;
    }

    /** This verdict is right too (the kernel's timing decides, e.g. a write's EPIPE or ECONNRESET). */
    public Expected or(String origin, String reason) {
        Expected e = copy();
        Map<String, String> all = new HashMap<>(verdicts);
        all.put(reason, origin);
        e.verdicts = Map.copyOf(all);
        return e;
    }

    public Expected event(String eventName) {
        Expected e = copy();
        e.event = eventName;
        return e;
    }

    public Expected bytes(long bytesRead, long bytesWritten) {
        Expected e = copy();
        e.read = bytesRead;
        e.written = bytesWritten;
        e.writtenAtLeast = false;
        return e;
    }

    /** {@code bytesWritten} is a lower bound: a writer looping until it fails. */
    public Expected bytesWrittenAtLeast(long bytesRead, long bytesWritten) {
        Expected e = bytes(bytesRead, bytesWritten);
        e.writtenAtLeast = true;
        return e;
    }

    /** The exact {@code error.type}; without it, only that error spans have one. */
    public Expected errorType(String type) {
        Expected e = copy();
        e.errorType = type;
        return e;
    }

    /** The application never closed this side (a refused connect, a leaked socket): no socket.close event. */
    public Expected neverClosed() {
        Expected e = copy();
        e.closedByApplication = false;
        return e;
    }

    /**
     * The close's call site is in classes starting with {@code classPrefix}: a library that closes on its own
     * thread for the application (Netty's event loop runs the close that a handler asked for).
     */
    public Expected closedIn(String classPrefix) {
        Expected e = copy();
        e.closeSite = classPrefix;
        return e;
    }

    /** Checks everything that does not depend on the transport. */
    public void check(ReceivedSpan span, String diagnostics) {
        String where = span + diagnostics;
        assertEquals(name, span.name(), where);
        assertEquals("io.sockwatch", span.scope(), where);
        assertEquals(kind, span.kind(), where);
        assertEquals(api, span.string("socket.api"), where);
        String reason = span.string("socket.close.reason");
        assertTrue(verdicts.containsKey(reason), "reason " + reason + " not in " + verdicts.keySet() + ": " + where);
        String origin = verdicts.get(reason);
        assertEquals(origin, span.string("socket.close.origin"), where);
        assertEquals(detectedBy, span.string("socket.close.detected_by"), where);
        boolean error = ContractStatus.isError(span);
        assertEquals(error ? "ERROR" : "UNSET", span.status(), where);
        assertEquals(error, span.string("error.type") != null, "error.type on error spans only: " + where);
        if (errorType != null) {
            assertEquals(errorType, span.string("error.type"), where);
        }
        assertEquals(read, span.number("socket.bytes.read"), "bytes read: " + where);
        if (writtenAtLeast) {
            assertTrue(span.number("socket.bytes.written") >= written, "at least " + written + " written: " + where);
        } else {
            assertEquals(written, span.number("socket.bytes.written"), "bytes written: " + where);
        }
        assertNotNull(span.number("socket.idle_ms"), where);
        if (event != null) {
            assertTrue(span.eventNames().contains(event), "event " + event + " missing: " + where);
        }
        if (span.event("socket.use_after_close") != null && !"socket.use_after_close".equals(event)) {
            throw new AssertionError("unexpected use after close: " + where);
        }
        if (closedByApplication && span.event("socket.leaked") != null) {
            // The last scenario collects garbage while earlier ones' closed sockets wait out their grace period.
            throw new AssertionError("a socket the program closed reported as leaked: " + where);
        }
        ReceivedSpan.Event close = span.event("socket.close");
        if (!closedByApplication) {
            assertNull(close, "nothing closed it, yet a socket.close event: " + where);
            return;
        }
        assertNotNull(close, "the program closed it: a socket.close event: " + where);
        assertNotNull(close.attributes().get("thread.name"), "the closing thread: " + where);
        Object function = close.attributes().get("code.function.name");
        assertNotNull(function, "call site of the close: " + where);
        assertTrue(function.toString().startsWith(closeSite), "a frame of " + closeSite + ": " + where);
    }
}
