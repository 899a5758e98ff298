package io.sockwatch.agent.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** Contract v2's status: ERROR when the application received an exception because of the ending, or for leaks. */
class VerdictTest {

    @Test
    void aBrokenPipeIsThePeersEndingAndStillAnError() {
        assertEquals("java.io.IOException",
                new Verdict(Origin.PEER_FIN, Reason.BROKEN_PIPE, Operation.WRITE, "java.io.IOException")
                        .statusErrorType(null));
    }

    @Test
    void aCleanEndOfStreamIsNoError() {
        assertNull(new Verdict(Origin.PEER_FIN, Reason.EOF, Operation.READ, null).statusErrorType(null));
        assertNull(new Verdict(Origin.PEER_FIN, Reason.CLOSE_NOTIFY, Operation.READ, null).statusErrorType(null));
        assertNull(new Verdict(Origin.LOCAL_CLOSE, Reason.CLOSE, Operation.CLOSE, null).statusErrorType(null));
    }

    @Test
    void aResetReadIsAnError() {
        assertEquals("java.net.SocketException",
                new Verdict(Origin.PEER_RST, Reason.RESET, Operation.READ, "java.net.SocketException")
                        .statusErrorType(null));
    }

    @Test
    void aResetFoundOnlyAtCloseRaisedNothing() {
        assertNull(new Verdict(Origin.PEER_RST, Reason.RESET, Operation.CLOSE, null).statusErrorType(null));
    }

    @Test
    void aLaterExceptionBecauseOfTheEndingMakesItAnError() {
        // A stale connection found at reuse; the application's read then failed with a reset.
        Verdict stale = new Verdict(Origin.PEER_FIN, Reason.EOF, Operation.REUSE, null);
        assertNull(stale.statusErrorType(null));
        assertEquals("java.net.SocketException", stale.statusErrorType("java.net.SocketException"));
    }

    @Test
    void theDecidingExceptionNamesTheErrorBeforeALaterOne() {
        assertEquals("java.net.SocketTimeoutException",
                new Verdict(Origin.TIMEOUT, Reason.READ_TIMEOUT, Operation.READ, "java.net.SocketTimeoutException")
                        .statusErrorType("java.io.IOException"));
    }

    @Test
    void anExceptionThatOnlyReportsOurOwnCloseIsNoError() {
        // An accept woken by closing its listener; a channel closed by interrupting its thread.
        assertNull(new Verdict(Origin.LOCAL_CLOSE, Reason.CLOSE, Operation.ACCEPT, "java.net.SocketException")
                .statusErrorType(null));
        assertNull(new Verdict(Origin.LOCAL_CLOSE, Reason.INTERRUPT, Operation.READ,
                "java.nio.channels.ClosedByInterruptException").statusErrorType(null));
    }

    @Test
    void leaksAndUnknownEndingsAreErrorsWithoutAnException() {
        assertEquals("gc", new Verdict(Origin.LEAKED, Reason.GC, Operation.GC, null).statusErrorType(null));
        assertEquals("other", new Verdict(Origin.UNKNOWN, Reason.OTHER, Operation.READ, null).statusErrorType(null));
    }

    @Test
    void quietVerdictsAreSharedAndThoseWithAnExceptionAreNot() {
        for (Origin o : Origin.values()) {
            for (Reason r : Reason.values()) {
                for (Operation op : Operation.values()) {
                    Verdict v = Verdict.of(o, r, op, null);
                    assertEquals(new Verdict(o, r, op, null), v);
                    assertSame(v, Verdict.of(o, r, op, null));
                }
            }
        }
        Verdict reset = Verdict.of(Origin.PEER_RST, Reason.RESET, Operation.READ, "java.net.SocketException");
        assertEquals(new Verdict(Origin.PEER_RST, Reason.RESET, Operation.READ, "java.net.SocketException"), reset);
    }
}
