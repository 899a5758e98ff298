package io.sockwatch.e2e.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;

/**
 * What one side of a scenario must report: the verdict, the event that goes with it and the bytes moved.
 *
 * @param writtenAtLeast {@code written} is a lower bound (a writer looping until it fails)
 * @param errorType      the exact {@code error.type}, or null to check only that error spans have one
 */
public record Expected(String kind, String api, String origin, Set<String> reasons, String detectedBy, String event,
                       long read, long written, boolean writtenAtLeast, String errorType) {

    public static Expected client(String api, String origin, String reason, String detectedBy) {
        return new Expected("CLIENT", api, origin, Set.of(reason), detectedBy, null, 0, 0, false, null);
    }

    public static Expected server(String api, String origin, String reason, String detectedBy) {
        return new Expected("SERVER", api, origin, Set.of(reason), detectedBy, null, 0, 0, false, null);
    }

    public Expected reasons(String... acceptable) {
        return new Expected(kind, api, origin, Set.of(acceptable), detectedBy, event, read, written, writtenAtLeast,
                errorType);
    }

    public Expected event(String name) {
        return new Expected(kind, api, origin, reasons, detectedBy, name, read, written, writtenAtLeast, errorType);
    }

    public Expected bytes(long bytesRead, long bytesWritten) {
        return new Expected(kind, api, origin, reasons, detectedBy, event, bytesRead, bytesWritten, false, errorType);
    }

    public Expected bytesWrittenAtLeast(long bytesRead, long bytesWritten) {
        return new Expected(kind, api, origin, reasons, detectedBy, event, bytesRead, bytesWritten, true, errorType);
    }

    public Expected errorType(String type) {
        return new Expected(kind, api, origin, reasons, detectedBy, event, read, written, writtenAtLeast, type);
    }

    public boolean isError() {
        return Set.of("peer_rst", "timeout", "unreachable", "leaked", "unknown").contains(origin);
    }

    /** Checks everything that does not depend on the transport. */
    public void check(ReceivedSpan span, String diagnostics) {
        String where = span + diagnostics;
        assertEquals("socket.connection", span.name(), where);
        assertEquals("io.sockwatch", span.scope(), where);
        assertEquals(kind, span.kind(), where);
        assertEquals(api, span.string("socket.api"), where);
        assertEquals(origin, span.string("socket.close.origin"), where);
        assertTrue(reasons.contains(span.string("socket.close.reason")),
                "reason " + span.string("socket.close.reason") + " not in " + reasons + ": " + where);
        assertEquals(detectedBy, span.string("socket.close.detected_by"), where);
        assertEquals(isError() ? "ERROR" : "UNSET", span.status(), where);
        assertEquals(isError(), span.string("error.type") != null, "error.type on error spans only: " + where);
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
    }
}
