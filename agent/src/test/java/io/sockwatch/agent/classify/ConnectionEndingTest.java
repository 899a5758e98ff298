package io.sockwatch.agent.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockwatch.agent.classify.ConnectionEnding.Effect;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** First signal wins; later signals are events; our own shutdownInput is not the peer's FIN. */
class ConnectionEndingTest {

    private final ConnectionEnding e = new ConnectionEnding();

    private void assertVerdict(Origin origin, Reason reason, Operation by, String errorType) {
        Verdict v = e.verdict();
        assertEquals(new Verdict(origin, reason, by, errorType), v);
    }

    @Test
    void nothingEndedYet() {
        assertNull(e.verdict());
        assertFalse(e.isDecided());
        assertFalse(e.isClosed());
    }

    @Test
    void peerFinThenClose() {
        assertEquals(Effect.DECIDED, e.onEndOfStream());
        assertEquals(Effect.LATER, e.onClose(0, false, false));
        assertVerdict(Origin.PEER_FIN, Reason.EOF, Operation.READ, null);
        assertTrue(e.isClosed());
    }

    @Test
    void closeThenEndOfStreamStaysLocal() {
        e.onClose(0, false, false);
        assertEquals(Effect.LATER, e.onEndOfStream());
        assertVerdict(Origin.LOCAL_CLOSE, Reason.CLOSE, Operation.CLOSE, null);
    }

    @Test
    void endOfStreamAfterOurShutdownInputIsNotThePeer() {
        assertEquals(Effect.NOT_ENDING, e.onShutdown(true));
        assertEquals(Effect.NOT_ENDING, e.onEndOfStream());
        assertFalse(e.isDecided());
        assertEquals(Effect.DECIDED, e.onClose(0, false, false));
        assertVerdict(Origin.LOCAL_CLOSE, Reason.SHUTDOWN_INPUT, Operation.CLOSE, null);
    }

    @Test
    void shutdownOutputIsOurFinFirst() {
        assertEquals(Effect.DECIDED, e.onShutdown(false));
        assertEquals(Effect.LATER, e.onEndOfStream());
        e.onClose(0, false, false);
        assertVerdict(Origin.LOCAL_CLOSE, Reason.SHUTDOWN_OUTPUT, Operation.SHUTDOWN, null);
        assertEquals("close", e.verdict().detectedBy().detectedBy());
    }

    @Test
    void readTimeoutThenCloseIsATimeout() {
        assertEquals(Effect.NOT_ENDING, e.onFailure(Operation.READ, new SocketTimeoutException("Read timed out")));
        assertFalse(e.isDecided());
        assertEquals(Effect.DECIDED, e.onClose(0, false, true));
        assertVerdict(Origin.TIMEOUT, Reason.READ_TIMEOUT, Operation.READ, "java.net.SocketTimeoutException");
    }

    @Test
    void readTimeoutFollowedByProgressThenCloseIsLocal() {
        e.onFailure(Operation.READ, new SocketTimeoutException("Read timed out"));
        e.onClose(0, false, false); // the tracker says: I/O succeeded after the timeout
        assertVerdict(Origin.LOCAL_CLOSE, Reason.CLOSE, Operation.CLOSE, null);
    }

    @Test
    void resetThenBrokenPipeKeepsTheReset() {
        assertEquals(Effect.DECIDED, e.onFailure(Operation.READ, new SocketException("Connection reset")));
        assertEquals(Effect.LATER, e.onFailure(Operation.WRITE, new SocketException("Broken pipe")));
        assertVerdict(Origin.PEER_RST, Reason.RESET, Operation.READ, "java.net.SocketException");
    }

    @Test
    void asyncCloseWakesTheBlockedThreadWhichIsNotMisuse() {
        assertEquals(Effect.DECIDED, e.onClose(1, false, false));
        assertVerdict(Origin.LOCAL_CLOSE, Reason.ASYNC_CLOSE, Operation.CLOSE, null);
        assertEquals(Effect.LATER, e.onFailure(Operation.READ, new SocketException("Socket closed")));
        assertEquals(Effect.USE_AFTER_CLOSE, e.onFailure(Operation.READ, new SocketException("Socket closed")));
    }

    @Test
    void useAfterClose() {
        e.onClose(0, false, false);
        assertEquals(Effect.USE_AFTER_CLOSE, e.onFailure(Operation.WRITE, new SocketException("Socket closed")));
        assertVerdict(Origin.LOCAL_CLOSE, Reason.CLOSE, Operation.CLOSE, null);
    }

    @Test
    void interruptedClose() {
        e.onClose(1, true, false);
        assertVerdict(Origin.LOCAL_CLOSE, Reason.INTERRUPT, Operation.CLOSE, null);
        assertEquals(Effect.LATER, e.onFailure(Operation.READ, new ClosedByInterruptException()));
    }

    @Test
    void closingTwiceChangesNothing() {
        e.onClose(0, false, false);
        assertEquals(Effect.LATER, e.onClose(2, true, true));
        assertVerdict(Origin.LOCAL_CLOSE, Reason.CLOSE, Operation.CLOSE, null);
    }

    @Test
    void refusedConnect() {
        assertEquals(Effect.DECIDED, e.onFailure(Operation.CONNECT, new ConnectException("Connection refused")));
        assertVerdict(Origin.PEER_RST, Reason.REFUSED, Operation.CONNECT, "java.net.ConnectException");
    }

    @Test
    void unknownFailureKeepsItsType() {
        e.onFailure(Operation.READ, new IllegalStateException("weird"));
        assertVerdict(Origin.UNKNOWN, Reason.OTHER, Operation.READ, "java.lang.IllegalStateException");
    }

    @Test
    void leakedOnlyWhenNothingElseDecided() {
        assertEquals(Effect.DECIDED, e.onCollected());
        assertVerdict(Origin.LEAKED, Reason.GC, Operation.GC, null);
        ConnectionEnding other = new ConnectionEnding();
        other.onEndOfStream();
        assertEquals(Effect.LATER, other.onCollected());
        assertEquals(Origin.PEER_FIN, other.verdict().origin());
    }

    @Test
    void processExit() {
        assertEquals(Effect.DECIDED, e.onProcessExit());
        assertVerdict(Origin.LOCAL_CLOSE, Reason.PROCESS_EXIT, Operation.EXIT, null);
    }

    @Test
    void peerHadClosedBeforeOurClose() {
        assertEquals(Effect.DECIDED, e.onPeerClosedBeforeClose());
        assertEquals(Effect.LATER, e.onClose(0, false, false));
        assertVerdict(Origin.PEER_FIN, Reason.EOF, Operation.CLOSE, null);
    }

    @Test
    void originValuesAndStatus() {
        assertEquals(Set.of("local_close", "peer_fin", "peer_rst", "timeout", "unreachable", "leaked", "unknown"),
                new HashSet<>(Arrays.stream(Origin.values()).map(Origin::value).toList()));
        for (Origin o : Origin.values()) {
            boolean error = o != Origin.LOCAL_CLOSE && o != Origin.PEER_FIN;
            assertEquals(error, o.isError(), o.name());
        }
        Set<String> reasons = new HashSet<>();
        for (Reason r : Reason.values()) {
            assertTrue(r.value().matches("[a-z_]+"), r.value());
            assertTrue(reasons.add(r.value()), "unique " + r.value());
        }
        for (Operation op : Operation.values()) {
            assertTrue(Set.of("read", "write", "connect", "accept", "close", "gc").contains(op.detectedBy()), op.name());
        }
    }
}
