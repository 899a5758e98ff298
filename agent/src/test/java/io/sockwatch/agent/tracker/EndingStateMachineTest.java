package io.sockwatch.agent.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockwatch.agent.classify.Failure;
import io.sockwatch.agent.classify.FailureTable;
import io.sockwatch.agent.classify.Operation;
import io.sockwatch.agent.classify.Origin;
import io.sockwatch.agent.classify.Reason;
import io.sockwatch.agent.classify.Verdict;
import io.sockwatch.agent.tracker.EndingStateMachine.Effect;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.InterruptedByTimeoutException;
import java.util.function.Function;
import java.util.stream.Stream;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** First ending signal wins; later signals are events; our own shutdownInput is not the peer's FIN. */
class EndingStateMachineTest {

    private static final String SOCKET_EXCEPTION = "java.net.SocketException";
    private static final String TIMEOUT_EXCEPTION = "java.net.SocketTimeoutException";

    private final EndingStateMachine e = new EndingStateMachine();

    private void assertVerdict(Origin origin, Reason reason, Operation by, String errorType) {
        assertTrue(e.isDecided());
        assertEquals(new Verdict(origin, reason, by, errorType), e.verdict());
    }

    /** A failure as the tracker reports it: classified once, then given to the state machine with its class. */
    private static Effect failed(EndingStateMachine machine, Operation operation, Throwable failure) {
        return machine.onFailure(operation, FailureTable.classify(operation, failure), failure.getClass().getName());
    }

    private static SocketException socketClosed() {
        return new SocketException("Socket closed");
    }

    // ---- before anything ---------------------------------------------------------------------------------------

    @Test
    void noVerdictBeforeAnyEndingSignal() {
        assertNull(e.verdict());
        assertFalse(e.isDecided());
        assertFalse(e.isClosed());
    }

    @Test
    void nonEndingSignalsLeaveNoVerdict() {
        assertEquals(Effect.NOT_ENDING, failed(e, Operation.READ, new SocketTimeoutException("Read timed out")));
        assertEquals(Effect.NOT_ENDING, failed(e, Operation.ACCEPT, new SocketTimeoutException("Accept timed out")));
        assertEquals(Effect.NOT_ENDING, e.onShutdown(true));
        assertEquals(Effect.NOT_ENDING, e.onEndOfStream());
        assertNull(e.verdict());
        assertFalse(e.isDecided());
        assertFalse(e.isClosed());
    }

    // ---- end of stream -----------------------------------------------------------------------------------------

    @Test
    void peerFinThenCloseIsPeerFin() {
        assertEquals(Effect.DECIDED, e.onEndOfStream());
        assertVerdict(Origin.PEER_FIN, Reason.EOF, Operation.READ, null);
        assertFalse(e.isClosed());
        assertEquals(Effect.LATER, e.onClose(0, false, false));
        assertTrue(e.isClosed());
        assertVerdict(Origin.PEER_FIN, Reason.EOF, Operation.READ, null);
    }

    @Test
    void closeNotifyIsThePeerClosingFirst() {
        assertEquals(Effect.DECIDED, e.onPeerClosedTls());
        assertEquals(Effect.LATER, e.onEndOfStream());
        assertVerdict(Origin.PEER_FIN, Reason.CLOSE_NOTIFY, Operation.READ, null);
    }

    @Test
    void closeNotifyUnwrappedAfterTheEndOfStreamWasReadRefinesThePeerFin() {
        e.onEndOfStream();
        assertEquals(Effect.DECIDED, e.onPeerClosedTls());
        assertVerdict(Origin.PEER_FIN, Reason.CLOSE_NOTIFY, Operation.READ, null);
    }

    @Test
    void closeNotifyAfterOurCloseOrAResetChangesNothing() {
        e.onClose(0, false, false);
        assertEquals(Effect.LATER, e.onPeerClosedTls());
        assertVerdict(Origin.LOCAL_CLOSE, Reason.CLOSE, Operation.CLOSE, null);
        EndingStateMachine reset = new EndingStateMachine();
        failed(reset, Operation.READ, new SocketException("Connection reset"));
        assertEquals(Effect.LATER, reset.onPeerClosedTls());
        assertEquals(Reason.RESET, reset.verdict().reason());
        EndingStateMachine atClose = new EndingStateMachine();
        atClose.onPeerClosedBeforeClose();
        assertEquals(Effect.LATER, atClose.onPeerClosedTls());
        assertEquals(Reason.EOF, atClose.verdict().reason());
    }

    @Test
    void repeatedEndOfStreamIsLater() {
        e.onEndOfStream();
        assertEquals(Effect.LATER, e.onEndOfStream());
        assertEquals(Effect.LATER, e.onEndOfStream());
        assertVerdict(Origin.PEER_FIN, Reason.EOF, Operation.READ, null);
    }

    @Test
    void closeThenEndOfStreamStaysLocal() {
        assertEquals(Effect.DECIDED, e.onClose(0, false, false));
        assertVerdict(Origin.LOCAL_CLOSE, Reason.CLOSE, Operation.CLOSE, null);
        assertEquals(Effect.LATER, e.onEndOfStream());
        assertVerdict(Origin.LOCAL_CLOSE, Reason.CLOSE, Operation.CLOSE, null);
    }

    @Test
    void peerFinThenResetKeepsTheFin() {
        e.onEndOfStream();
        assertEquals(Effect.LATER, failed(e, Operation.WRITE, new SocketException("Broken pipe")));
        assertVerdict(Origin.PEER_FIN, Reason.EOF, Operation.READ, null);
    }

    // ---- shutdown ----------------------------------------------------------------------------------------------

    @Test
    void endOfStreamAfterOurShutdownInputIsNotThePeer() {
        assertEquals(Effect.NOT_ENDING, e.onShutdown(true));
        assertEquals(Effect.NOT_ENDING, e.onEndOfStream());
        assertEquals(Effect.NOT_ENDING, e.onEndOfStream());
        assertFalse(e.isDecided());
        assertEquals(Effect.DECIDED, e.onClose(0, false, false));
        assertVerdict(Origin.LOCAL_CLOSE, Reason.SHUTDOWN_INPUT, Operation.CLOSE, null);
    }

    @Test
    void endOfStreamThatOurShutdownInputWakesBeforeItReturnsIsNotThePeer() {
        // A reader on another thread (or a pending asynchronous read) reports -1 while shutdownInput still runs.
        e.onShutdownInputStarting();
        assertEquals(Effect.NOT_ENDING, e.onEndOfStream());
        assertEquals(Effect.NOT_ENDING, e.onShutdown(true));
        assertEquals(Effect.DECIDED, e.onClose(0, false, false));
        assertVerdict(Origin.LOCAL_CLOSE, Reason.SHUTDOWN_INPUT, Operation.CLOSE, null);
    }

    @Test
    void afterAFailedShutdownInputEndOfStreamIsThePeersAgain() {
        e.onShutdownInputStarting();
        e.onShutdownInputFailed();
        assertEquals(Effect.DECIDED, e.onEndOfStream());
        assertVerdict(Origin.PEER_FIN, Reason.EOF, Operation.READ, null);
    }

    @Test
    void shutdownInputAfterTheEndIsLater() {
        e.onEndOfStream();
        assertEquals(Effect.LATER, e.onShutdown(true));
        assertVerdict(Origin.PEER_FIN, Reason.EOF, Operation.READ, null);
    }

    @Test
    void shutdownInputDoesNotHideAResetOnWrite() {
        e.onShutdown(true);
        assertEquals(Effect.DECIDED, failed(e, Operation.WRITE, new SocketException("Connection reset by peer")));
        assertVerdict(Origin.PEER_RST, Reason.RESET, Operation.WRITE, SOCKET_EXCEPTION);
    }

    @Test
    void shutdownOutputIsOurFinFirst() {
        assertEquals(Effect.DECIDED, e.onShutdown(false));
        assertVerdict(Origin.LOCAL_CLOSE, Reason.SHUTDOWN_OUTPUT, Operation.SHUTDOWN, null);
        assertEquals(Effect.LATER, e.onEndOfStream());
        assertEquals(Effect.LATER, e.onClose(0, false, false));
        assertVerdict(Origin.LOCAL_CLOSE, Reason.SHUTDOWN_OUTPUT, Operation.SHUTDOWN, null);
        assertEquals("close", e.verdict().detectedBy().detectedBy());
    }

    @Test
    void shutdownOutputAfterShutdownInputDecides() {
        e.onShutdown(true);
        assertEquals(Effect.DECIDED, e.onShutdown(false));
        assertVerdict(Origin.LOCAL_CLOSE, Reason.SHUTDOWN_OUTPUT, Operation.SHUTDOWN, null);
    }

    @Test
    void shutdownOutputAfterPeerFinIsLater() {
        e.onEndOfStream();
        assertEquals(Effect.LATER, e.onShutdown(false));
        assertVerdict(Origin.PEER_FIN, Reason.EOF, Operation.READ, null);
    }

    @Test
    void writeAfterOurShutdownOutputIsLater() {
        e.onShutdown(false);
        assertEquals(Effect.LATER, failed(e, Operation.WRITE, new SocketException("Socket output is shutdown")));
        assertVerdict(Origin.LOCAL_CLOSE, Reason.SHUTDOWN_OUTPUT, Operation.SHUTDOWN, null);
    }

    // ---- timeouts ----------------------------------------------------------------------------------------------

    @Test
    void readTimeoutThenCloseIsATimeout() {
        assertEquals(Effect.NOT_ENDING, failed(e, Operation.READ, new SocketTimeoutException("Read timed out")));
        assertFalse(e.isDecided());
        assertEquals(Effect.DECIDED, e.onClose(0, false, true));
        assertVerdict(Origin.TIMEOUT, Reason.READ_TIMEOUT, Operation.READ, TIMEOUT_EXCEPTION);
        assertEquals("read", e.verdict().detectedBy().detectedBy());
    }

    @Test
    void readTimeoutThenSuccessfulIoThenCloseIsLocal() {
        assertEquals(Effect.NOT_ENDING, failed(e, Operation.READ, new SocketTimeoutException("Read timed out")));
        // The tracker says timedOutSinceIo=false: a read or write succeeded after the timeout.
        assertEquals(Effect.DECIDED, e.onClose(0, false, false));
        assertVerdict(Origin.LOCAL_CLOSE, Reason.CLOSE, Operation.CLOSE, null);
    }

    @Test
    void repeatedReadTimeoutsEndNothing() {
        for (int i = 0; i < 5; i++) {
            assertEquals(Effect.NOT_ENDING, failed(e, Operation.READ, new SocketTimeoutException("Read timed out")));
        }
        assertFalse(e.isDecided());
    }

    @Test
    void readTimeoutAfterTheEndIsStillNotEnding() {
        e.onEndOfStream();
        assertEquals(Effect.NOT_ENDING, failed(e, Operation.READ, new SocketTimeoutException("Read timed out")));
        assertVerdict(Origin.PEER_FIN, Reason.EOF, Operation.READ, null);
    }

    @Test
    void asynchronousReadTimeoutDecidesAtOnceAndTheCloseIsLater() {
        // The channel refuses every further read: the deadline ended the connection, not the close after it.
        assertEquals(Effect.DECIDED, failed(e, Operation.READ, new InterruptedByTimeoutException()));
        assertVerdict(Origin.TIMEOUT, Reason.READ_TIMEOUT, Operation.READ,
                "java.nio.channels.InterruptedByTimeoutException");
        assertEquals(Effect.LATER, e.onClose(0, false, false));
        assertVerdict(Origin.TIMEOUT, Reason.READ_TIMEOUT, Operation.READ,
                "java.nio.channels.InterruptedByTimeoutException");
    }

    @Test
    void asynchronousReadTimeoutAfterThePeersFinIsLater() {
        e.onEndOfStream();
        assertEquals(Effect.LATER, failed(e, Operation.READ, new InterruptedByTimeoutException()));
        assertVerdict(Origin.PEER_FIN, Reason.EOF, Operation.READ, null);
    }

    @Test
    void acceptTimeoutEndsNothing() {
        assertEquals(Effect.NOT_ENDING, failed(e, Operation.ACCEPT, new SocketTimeoutException("Accept timed out")));
        assertFalse(e.isDecided());
    }

    @Test
    void connectTimeoutEndsTheAttempt() {
        assertEquals(Effect.DECIDED,
                failed(e, Operation.CONNECT, new SocketTimeoutException("Connect timed out")));
        assertVerdict(Origin.TIMEOUT, Reason.CONNECT_TIMEOUT, Operation.CONNECT, TIMEOUT_EXCEPTION);
    }

    @Test
    void unansweredSynIsAConnectTimeout() {
        assertEquals(Effect.DECIDED, failed(e, Operation.CONNECT, new ConnectException("Connection timed out")));
        assertVerdict(Origin.TIMEOUT, Reason.CONNECT_TIMEOUT, Operation.CONNECT, "java.net.ConnectException");
    }

    @Test
    void keepaliveTimeoutOnRead() {
        assertEquals(Effect.DECIDED, failed(e, Operation.READ, new SocketException("Connection timed out")));
        assertVerdict(Origin.TIMEOUT, Reason.KEEPALIVE_TIMEOUT, Operation.READ, SOCKET_EXCEPTION);
        assertEquals(Effect.LATER, e.onClose(0, false, false));
    }

    // ---- resets and other failures -----------------------------------------------------------------------------

    @Test
    void resetOnReadThenBrokenPipeOnWriteKeepsTheReset() {
        assertEquals(Effect.DECIDED, failed(e, Operation.READ, new SocketException("Connection reset")));
        assertEquals(Effect.LATER, failed(e, Operation.WRITE, new SocketException("Broken pipe")));
        assertEquals(Effect.LATER, e.onClose(0, false, false));
        assertVerdict(Origin.PEER_RST, Reason.RESET, Operation.READ, SOCKET_EXCEPTION);
    }

    @Test
    void brokenPipeOnAChannelWrite() {
        assertEquals(Effect.DECIDED, failed(e, Operation.WRITE, new IOException("Broken pipe")));
        assertVerdict(Origin.PEER_FIN, Reason.BROKEN_PIPE, Operation.WRITE, "java.io.IOException");
    }

    @Test
    void refusedConnect() {
        assertEquals(Effect.DECIDED, failed(e, Operation.CONNECT, new ConnectException("Connection refused")));
        assertVerdict(Origin.PEER_RST, Reason.REFUSED, Operation.CONNECT, "java.net.ConnectException");
        assertEquals("connect", e.verdict().detectedBy().detectedBy());
    }

    @Test
    void unreachableConnect() {
        assertEquals(Effect.DECIDED, failed(e, Operation.CONNECT, new NoRouteToHostException("No route to host")));
        assertVerdict(Origin.UNREACHABLE, Reason.NO_ROUTE, Operation.CONNECT, "java.net.NoRouteToHostException");
    }

    @Test
    void unknownFailureKeepsItsExceptionClass() {
        assertEquals(Effect.DECIDED, failed(e, Operation.READ, new IOException("Something else")));
        assertVerdict(Origin.UNKNOWN, Reason.OTHER, Operation.READ, "java.io.IOException");
    }

    @Test
    void unknownNonIoFailureKeepsItsExceptionClass() {
        failed(e, Operation.WRITE, new IllegalStateException("weird"));
        assertVerdict(Origin.UNKNOWN, Reason.OTHER, Operation.WRITE, "java.lang.IllegalStateException");
    }

    @Test
    void wrappedFailureKeepsTheThrownClass() {
        failed(e, Operation.WRITE, new SSLException("write failed", new SocketException("Broken pipe")));
        assertVerdict(Origin.PEER_FIN, Reason.BROKEN_PIPE, Operation.WRITE, "javax.net.ssl.SSLException");
    }

    @Test
    void theVerdictNamesTheErrorTypeItIsGiven() {
        Failure reset = new Failure(Origin.PEER_RST, Reason.RESET, true, false);
        assertEquals(Effect.DECIDED, e.onFailure(Operation.READ, reset, "com.example.TlsWrapperException"));
        assertVerdict(Origin.PEER_RST, Reason.RESET, Operation.READ, "com.example.TlsWrapperException");
    }

    @Test
    void aFailureTheClassifierCallsUsableEndsNothingWhateverItsOrigin() {
        Failure usable = new Failure(Origin.PEER_RST, Reason.RESET, false, false);
        assertEquals(Effect.NOT_ENDING, e.onFailure(Operation.READ, usable, SOCKET_EXCEPTION));
        e.onClose(0, false, false);
        assertEquals(Effect.NOT_ENDING, e.onFailure(Operation.READ,
                new Failure(Origin.LOCAL_CLOSE, Reason.CLOSE, false, false), SOCKET_EXCEPTION), "nor misuse");
        assertVerdict(Origin.LOCAL_CLOSE, Reason.CLOSE, Operation.CLOSE, null);
    }

    @Test
    void localCloseFailureWithoutASeenCloseDecides() {
        // The close itself was not seen (e.g. closed through another path): the failure is the first signal.
        assertEquals(Effect.DECIDED, failed(e, Operation.READ, socketClosed()));
        assertVerdict(Origin.LOCAL_CLOSE, Reason.CLOSE, Operation.READ, SOCKET_EXCEPTION);
        assertFalse(e.isClosed());
    }

    // ---- close and what follows it -----------------------------------------------------------------------------

    @Test
    void plainClose() {
        assertEquals(Effect.DECIDED, e.onClose(0, false, false));
        assertTrue(e.isClosed());
        assertVerdict(Origin.LOCAL_CLOSE, Reason.CLOSE, Operation.CLOSE, null);
        assertEquals("close", e.verdict().detectedBy().detectedBy());
    }

    @Test
    void closeWakingABlockedThreadIsAsyncCloseAndTheWakeUpIsNotMisuse() {
        assertEquals(Effect.DECIDED, e.onClose(1, false, false));
        assertVerdict(Origin.LOCAL_CLOSE, Reason.ASYNC_CLOSE, Operation.CLOSE, null);
        assertEquals(Effect.LATER, failed(e, Operation.READ, socketClosed()));
        assertEquals(Effect.USE_AFTER_CLOSE, failed(e, Operation.READ, socketClosed()));
        assertVerdict(Origin.LOCAL_CLOSE, Reason.ASYNC_CLOSE, Operation.CLOSE, null);
    }

    @Test
    void closeWakingAReaderAndAWriter() {
        assertEquals(Effect.DECIDED, e.onClose(2, false, false));
        assertVerdict(Origin.LOCAL_CLOSE, Reason.ASYNC_CLOSE, Operation.CLOSE, null);
        assertEquals(Effect.LATER, failed(e, Operation.READ, new AsynchronousCloseException()));
        assertEquals(Effect.LATER, failed(e, Operation.WRITE, new AsynchronousCloseException()));
        assertEquals(Effect.USE_AFTER_CLOSE, failed(e, Operation.WRITE, new ClosedChannelException()));
    }

    @Test
    void closeWithoutBlockedThreadsThenSocketClosedIsUseAfterClose() {
        assertEquals(Effect.DECIDED, e.onClose(0, false, false));
        assertEquals(Effect.USE_AFTER_CLOSE, failed(e, Operation.READ, socketClosed()));
        assertEquals(Effect.USE_AFTER_CLOSE, failed(e, Operation.WRITE, socketClosed()));
        assertVerdict(Origin.LOCAL_CLOSE, Reason.CLOSE, Operation.CLOSE, null);
    }

    static Stream<Arguments> useAfterCloseFailures() {
        return Stream.of(
                Arguments.of(Operation.READ, socketClosed()),
                Arguments.of(Operation.WRITE, new SocketException("Socket is closed")),
                Arguments.of(Operation.WRITE, new ClosedChannelException()),
                Arguments.of(Operation.CONNECT, socketClosed()),
                Arguments.of(Operation.SHUTDOWN, new SocketException("Socket is closed")),
                Arguments.of(Operation.WRITE, new SocketException("Socket output is shutdown")));
    }

    @ParameterizedTest(name = "[{index}] {0} {1}")
    @MethodSource("useAfterCloseFailures")
    void anyLocalCloseFailureAfterAPlainCloseIsUseAfterClose(Operation op, Throwable failure) {
        e.onClose(0, false, false);
        assertEquals(Effect.USE_AFTER_CLOSE, failed(e, op, failure));
        assertVerdict(Origin.LOCAL_CLOSE, Reason.CLOSE, Operation.CLOSE, null);
    }

    @Test
    void peerFailureAfterCloseIsLaterNotMisuse() {
        e.onClose(0, false, false);
        assertEquals(Effect.LATER, failed(e, Operation.READ, new SocketException("Connection reset")));
        assertVerdict(Origin.LOCAL_CLOSE, Reason.CLOSE, Operation.CLOSE, null);
    }

    @Test
    void failureOfTheCloseItselfIsNotUseAfterClose() {
        e.onClose(0, false, false);
        assertEquals(Effect.LATER, failed(e, Operation.CLOSE, socketClosed()));
    }

    @Test
    void useAfterCloseAfterAnEarlierVerdictIsStillReported() {
        e.onEndOfStream();
        e.onClose(0, false, false);
        assertEquals(Effect.USE_AFTER_CLOSE, failed(e, Operation.WRITE, socketClosed()));
        assertVerdict(Origin.PEER_FIN, Reason.EOF, Operation.READ, null);
    }

    @Test
    void interruptedClose() {
        assertEquals(Effect.DECIDED, e.onClose(1, true, false));
        assertVerdict(Origin.LOCAL_CLOSE, Reason.INTERRUPT, Operation.CLOSE, null);
        // The interrupted thread, blocked in I/O, is told by a ClosedByInterruptException: a wake-up.
        assertEquals(Effect.LATER, failed(e, Operation.READ, new ClosedByInterruptException()));
        assertEquals(Effect.USE_AFTER_CLOSE, failed(e, Operation.READ, socketClosed()));
    }

    @Test
    void interruptedCloseWithoutBlockedThreads() {
        assertEquals(Effect.DECIDED, e.onClose(0, true, false));
        assertVerdict(Origin.LOCAL_CLOSE, Reason.INTERRUPT, Operation.CLOSE, null);
    }

    @Test
    void interruptBeforeBlockingIsReportedAfterTheCloseAndIsNotMisuse() {
        // SocketChannel: an already interrupted thread enters read; begin() closes the channel in that same thread
        // (no thread in I/O yet), then the read throws ClosedByInterruptException.
        e.onClose(0, true, false);
        assertEquals(Effect.LATER, failed(e, Operation.READ, new ClosedByInterruptException()));
        // Only once: the same thread retrying on the closed channel is a use after close.
        assertEquals(Effect.USE_AFTER_CLOSE, failed(e, Operation.READ, new ClosedByInterruptException()));
        assertVerdict(Origin.LOCAL_CLOSE, Reason.INTERRUPT, Operation.CLOSE, null);
    }

    @Test
    void virtualThreadInterruptedInASocketReadIsNotMisuse() {
        // JDK 21+ java.net.Socket: the interrupted virtual thread closes the socket, then throws "Closed by interrupt".
        e.onClose(0, true, false);
        assertEquals(Effect.LATER, failed(e, Operation.READ, new SocketException("Closed by interrupt")));
        assertEquals(Effect.USE_AFTER_CLOSE, failed(e, Operation.READ, socketClosed()));
    }

    @Test
    void interruptedCloseDoesNotExcuseOtherLocalCloseFailures() {
        e.onClose(0, true, false);
        assertEquals(Effect.USE_AFTER_CLOSE, failed(e, Operation.WRITE, socketClosed()));
        assertEquals(Effect.LATER, failed(e, Operation.READ, new ClosedByInterruptException()));
    }

    @Test
    void interruptedCloseWakingTheInterruptedReaderAndAWriter() {
        e.onClose(2, true, false);
        assertEquals(Effect.LATER, failed(e, Operation.READ, new ClosedByInterruptException()));
        assertEquals(Effect.LATER, failed(e, Operation.WRITE, new AsynchronousCloseException()));
        assertEquals(Effect.USE_AFTER_CLOSE, failed(e, Operation.WRITE, new ClosedChannelException()));
    }

    @Test
    void interruptReportAfterAPlainCloseIsUseAfterClose() {
        e.onClose(0, false, false);
        assertEquals(Effect.USE_AFTER_CLOSE, failed(e, Operation.READ, new ClosedByInterruptException()));
    }

    @Test
    void interruptedIoWithoutMessageBeforeCloseDecidesInterrupt() {
        assertEquals(Effect.DECIDED, failed(e, Operation.READ, new InterruptedIOException()));
        assertVerdict(Origin.LOCAL_CLOSE, Reason.INTERRUPT, Operation.READ, "java.io.InterruptedIOException");
    }

    @Test
    void closeReasonPrecedence() {
        // interrupt > async_close > shutdown_input > close
        EndingStateMachine a = new EndingStateMachine();
        a.onShutdown(true);
        a.onClose(1, true, false);
        assertEquals(Reason.INTERRUPT, a.verdict().reason());
        EndingStateMachine b = new EndingStateMachine();
        b.onShutdown(true);
        b.onClose(1, false, false);
        assertEquals(Reason.ASYNC_CLOSE, b.verdict().reason());
        EndingStateMachine c = new EndingStateMachine();
        c.onShutdown(true);
        c.onClose(0, false, false);
        assertEquals(Reason.SHUTDOWN_INPUT, c.verdict().reason());
    }

    @Test
    void negativeThreadCountIsTreatedAsNone() {
        e.onClose(-1, false, false);
        assertVerdict(Origin.LOCAL_CLOSE, Reason.CLOSE, Operation.CLOSE, null);
        assertEquals(Effect.USE_AFTER_CLOSE, failed(e, Operation.READ, socketClosed()));
    }

    @Test
    void doubleCloseIsLater() {
        assertEquals(Effect.DECIDED, e.onClose(0, false, false));
        assertEquals(Effect.LATER, e.onClose(0, false, false));
        assertEquals(Effect.LATER, e.onClose(2, true, true));
        assertTrue(e.isClosed());
        assertVerdict(Origin.LOCAL_CLOSE, Reason.CLOSE, Operation.CLOSE, null);
        // The second close does not bring expected wake-ups or an interrupt report with it.
        assertEquals(Effect.USE_AFTER_CLOSE, failed(e, Operation.READ, socketClosed()));
        assertEquals(Effect.USE_AFTER_CLOSE, failed(e, Operation.READ, new ClosedByInterruptException()));
    }

    // ---- CLOSE_WAIT at close, GC, exit -------------------------------------------------------------------------

    @Test
    void peerHadClosedBeforeOurClose() {
        assertEquals(Effect.DECIDED, e.onPeerClosedBeforeClose());
        assertVerdict(Origin.PEER_FIN, Reason.EOF, Operation.CLOSE, null);
        assertEquals(Effect.LATER, e.onClose(0, false, false));
        assertTrue(e.isClosed());
        assertVerdict(Origin.PEER_FIN, Reason.EOF, Operation.CLOSE, null);
    }

    @Test
    void peerClosedBeforeCloseAfterAVerdictIsLater() {
        failed(e, Operation.READ, new SocketException("Connection reset"));
        assertEquals(Effect.LATER, e.onPeerClosedBeforeClose());
        assertVerdict(Origin.PEER_RST, Reason.RESET, Operation.READ, SOCKET_EXCEPTION);
    }

    @Test
    void collectedWithoutCloseIsLeaked() {
        assertEquals(Effect.DECIDED, e.onCollected());
        assertVerdict(Origin.LEAKED, Reason.GC, Operation.GC, null);
        assertEquals("gc", e.verdict().detectedBy().detectedBy());
        assertFalse(e.isClosed());
    }

    static Stream<Arguments> decidedBeforeCollection() {
        return Stream.of(
                Arguments.of("peer FIN", (Function<EndingStateMachine, Effect>) EndingStateMachine::onEndOfStream,
                        Origin.PEER_FIN),
                Arguments.of("close", (Function<EndingStateMachine, Effect>) c -> c.onClose(0, false, false),
                        Origin.LOCAL_CLOSE),
                Arguments.of("reset", (Function<EndingStateMachine, Effect>)
                        c -> failed(c, Operation.READ, new SocketException("Connection reset")), Origin.PEER_RST),
                Arguments.of("shutdownOutput", (Function<EndingStateMachine, Effect>) c -> c.onShutdown(false),
                        Origin.LOCAL_CLOSE),
                Arguments.of("read timeout then close", (Function<EndingStateMachine, Effect>) c -> {
                    failed(c, Operation.READ, new SocketTimeoutException("Read timed out"));
                    return c.onClose(0, false, true);
                }, Origin.TIMEOUT),
                Arguments.of("refused", (Function<EndingStateMachine, Effect>)
                        c -> failed(c, Operation.CONNECT, new ConnectException("Connection refused")),
                        Origin.PEER_RST),
                Arguments.of("process exit", (Function<EndingStateMachine, Effect>) EndingStateMachine::onProcessExit,
                        Origin.LOCAL_CLOSE));
    }

    @ParameterizedTest(name = "[{index}] {0} then GC")
    @MethodSource("decidedBeforeCollection")
    void collectedAfterAVerdictIsLater(String name, Function<EndingStateMachine, Effect> first, Origin origin) {
        assertEquals(Effect.DECIDED, first.apply(e));
        Verdict before = e.verdict();
        assertEquals(Effect.LATER, e.onCollected());
        assertSame(before, e.verdict());
        assertEquals(origin, e.verdict().origin());
    }

    @Test
    void collectedAfterOnlyNonEndingSignalsIsLeaked() {
        failed(e, Operation.READ, new SocketTimeoutException("Read timed out"));
        e.onShutdown(true);
        e.onEndOfStream();
        assertEquals(Effect.DECIDED, e.onCollected());
        assertVerdict(Origin.LEAKED, Reason.GC, Operation.GC, null);
    }

    @Test
    void processExitWithTheConnectionOpen() {
        assertEquals(Effect.DECIDED, e.onProcessExit());
        assertVerdict(Origin.LOCAL_CLOSE, Reason.PROCESS_EXIT, Operation.EXIT, null);
        assertEquals("close", e.verdict().detectedBy().detectedBy());
        assertEquals(Effect.LATER, e.onCollected());
        assertEquals(Effect.LATER, e.onClose(0, false, false));
        assertVerdict(Origin.LOCAL_CLOSE, Reason.PROCESS_EXIT, Operation.EXIT, null);
    }

    @Test
    void processExitAfterAVerdictIsLater() {
        e.onEndOfStream();
        assertEquals(Effect.LATER, e.onProcessExit());
        assertVerdict(Origin.PEER_FIN, Reason.EOF, Operation.READ, null);
    }

    // ---- the verdict is set once -------------------------------------------------------------------------------

    @Test
    void verdictObjectNeverChangesOnceDecided() {
        failed(e, Operation.READ, new SocketException("Connection reset"));
        Verdict first = e.verdict();
        e.onEndOfStream();
        e.onShutdown(false);
        e.onShutdown(true);
        failed(e, Operation.WRITE, new IOException("Broken pipe"));
        failed(e, Operation.READ, new IOException("Something else"));
        e.onPeerClosedBeforeClose();
        e.onClose(1, true, true);
        failed(e, Operation.READ, socketClosed());
        e.onCollected();
        e.onProcessExit();
        assertSame(first, e.verdict());
    }

    @Test
    void everyLaterSignalSaysLater() {
        e.onClose(0, false, false);
        assertEquals(Effect.LATER, e.onEndOfStream());
        assertEquals(Effect.LATER, e.onShutdown(false));
        assertEquals(Effect.LATER, e.onShutdown(true));
        assertEquals(Effect.LATER, failed(e, Operation.WRITE, new IOException("Broken pipe")));
        assertEquals(Effect.LATER, e.onPeerClosedBeforeClose());
        assertEquals(Effect.LATER, e.onClose(0, false, false));
        assertEquals(Effect.LATER, e.onCollected());
        assertEquals(Effect.LATER, e.onProcessExit());
    }

    // ---- errorType ---------------------------------------------------------------------------------------------

    static Stream<Arguments> verdictsWithoutException() {
        return Stream.of(
                Arguments.of("peer FIN", (Function<EndingStateMachine, Effect>) EndingStateMachine::onEndOfStream),
                Arguments.of("close", (Function<EndingStateMachine, Effect>) c -> c.onClose(0, false, false)),
                Arguments.of("async close", (Function<EndingStateMachine, Effect>) c -> c.onClose(1, false, false)),
                Arguments.of("interrupted close", (Function<EndingStateMachine, Effect>) c -> c.onClose(0, true, false)),
                Arguments.of("shutdownOutput", (Function<EndingStateMachine, Effect>) c -> c.onShutdown(false)),
                Arguments.of("shutdownInput then close", (Function<EndingStateMachine, Effect>) c -> {
                    c.onShutdown(true);
                    return c.onClose(0, false, false);
                }),
                Arguments.of("CLOSE_WAIT at close",
                        (Function<EndingStateMachine, Effect>) EndingStateMachine::onPeerClosedBeforeClose),
                Arguments.of("GC", (Function<EndingStateMachine, Effect>) EndingStateMachine::onCollected),
                Arguments.of("exit", (Function<EndingStateMachine, Effect>) EndingStateMachine::onProcessExit));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("verdictsWithoutException")
    void errorTypeIsNullWhenNoExceptionDecided(String name, Function<EndingStateMachine, Effect> signal) {
        assertEquals(Effect.DECIDED, signal.apply(e));
        assertNull(e.verdict().errorType(), name);
    }
}
