package io.sockwatch.agent.export;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import org.junit.jupiter.api.Test;

/** The reasons in the exit line: what an operator can act on, and whether a retry may help. */
class ExportFailuresTest {

    private static ExportFailures.Failure of(Throwable t) {
        return ExportFailures.describe(t, () -> null);
    }

    @Test
    void refusedAndUnroutableAreUnreachableAndRetryable() {
        assertEquals(new ExportFailures.Failure("endpoint unreachable (connection refused)", true),
                of(new ConnectException()));
        assertEquals(new ExportFailures.Failure("endpoint unreachable (connection refused)", true),
                of(new IOException("wrapped", new ConnectException("Connection refused"))));
        ConnectException okHttp = new ConnectException("Failed to connect to /127.0.0.1:4318");
        okHttp.initCause(new ConnectException("Connection refused"));
        assertEquals("endpoint unreachable (connection refused)", of(okHttp).reason(), "the kernel's word wins");
        assertEquals(new ExportFailures.Failure("endpoint unreachable (no route to host)", true),
                of(new NoRouteToHostException("No route to host")));
        assertEquals(new ExportFailures.Failure("endpoint unreachable (unknown host collector.invalid)", true),
                of(new UnknownHostException("collector.invalid")));
    }

    @Test
    void timeoutsSayWhichPhaseTimedOut() {
        assertEquals("timed out connecting to the collector", of(new HttpConnectTimeoutException("x")).reason());
        assertEquals("timed out waiting for the collector", of(new HttpTimeoutException("request timed out")).reason());
        assertEquals("timed out waiting for the collector", of(new SocketTimeoutException("Read timed out")).reason());
        assertEquals("timed out waiting for the collector", of(new java.io.InterruptedIOException("timeout")).reason());
        assertEquals("timed out connecting to the collector",
                of(new SocketTimeoutException("Connect timed out")).reason());
    }

    @Test
    void aFailureWithoutCauseAsksForOne() {
        assertEquals("endpoint unreachable (connection refused)",
                ExportFailures.describe(null, () -> new ConnectException("Connection refused")).reason());
        assertEquals(new ExportFailures.Failure("export failed", true), ExportFailures.describe(null, () -> null));
    }

    @Test
    void anythingElseIsNamedByItsType() {
        assertEquals("export failed (IllegalStateException: encoder broke)",
                of(new IllegalStateException("encoder broke")).reason());
    }
}
