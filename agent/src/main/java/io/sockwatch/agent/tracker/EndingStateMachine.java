package io.sockwatch.agent.tracker;

import io.sockwatch.agent.classify.Failure;
import io.sockwatch.agent.classify.Operation;
import io.sockwatch.agent.classify.Origin;
import io.sockwatch.agent.classify.Reason;
import io.sockwatch.agent.classify.Verdict;

/**
 * The state machine of one connection's ending: it orders the connection's signals and decides its {@link Verdict}.
 * The first signal that ends the connection wins, later ones are only reported as events. What a failure means is the
 * classifier's answer; what it means for this connection, after what came before, is decided here.
 *
 * <p>Not thread-safe: the caller serializes the signals of one connection (they are rare: end of stream, failures,
 * shutdowns, close). Plain reads and writes never reach this class. It is made at a connection's first such signal,
 * and also keeps when and where the ending was seen: an open, quiet connection carries none of it.
 */
final class EndingStateMachine {

    /** What the caller should make of a signal that did not decide the verdict. */
    enum Effect {
        /** This signal decided the verdict. */
        DECIDED,
        /** The connection had already ended: the signal is a later event. */
        LATER,
        /** The signal does not end the connection (a read timeout, end of stream after our own shutdownInput). */
        NOT_ENDING,
        /** The application used the socket after this process had closed it. */
        USE_AFTER_CLOSE
    }

    private Verdict verdict;
    private boolean closed;
    private boolean inputShutdown;
    /**
     * shutdownInput has started: it wakes a reader blocked (or an asynchronous read pending) on another thread with
     * end of stream, which can be reported before shutdownInput itself returns.
     */
    private boolean inputShutdownStarted;
    /** Threads that were blocked in I/O when we closed: their "Socket closed" wake-up is expected, not misuse. */
    private int pendingWakeups;
    /** The close came from an interrupt, whose report to the interrupted thread is still expected, not misuse. */
    private boolean interruptReportDue;
    /** The first exception a later operation threw because of the ending (not because of our own close). */
    private String laterException;

    // When and where, recorded by the tracker under the connection's monitor.
    /** When this process closed the socket, or 0. */
    long closeNanos;
    /** When the connection was handed over as ended, or 0. */
    long endNanos;
    /** Bytes moved when a read last timed out, or -1: a close without progress since is the timeout's ending. */
    long progressAtTimeout = -1;
    boolean eofSeen;
    /** The application's span current when the ending was detected, or null; and when that was. */
    Object endedIn;
    long endedInNanos;

    /** The verdict, or null while the connection has not ended. */
    Verdict verdict() {
        return verdict;
    }

    /** The class of the first exception an operation threw because of the ending after it was decided, or null. */
    String laterException() {
        return laterException;
    }

    boolean isDecided() {
        return verdict != null;
    }

    /** True once this process shut the input down (its own end of stream is then not the peer's). */
    boolean isInputShutdown() {
        return inputShutdown;
    }

    /** True once this process called close() on the socket. */
    boolean isClosed() {
        return closed;
    }

    /** A read returned end of stream. */
    Effect onEndOfStream() {
        if (inputShutdown || inputShutdownStarted) {
            // Our own shutdownInput makes every read return -1: the peer said nothing.
            return Effect.NOT_ENDING;
        }
        return decide(Origin.PEER_FIN, Reason.EOF, Operation.READ, null);
    }

    /**
     * An operation failed; {@code f} is the classifier's reading of the exception, {@code errorType} its class (the
     * verdict's {@code error.type} if this failure decides).
     */
    Effect onFailure(Operation operation, Failure f, String errorType) {
        if (!f.terminal()) {
            return Effect.NOT_ENDING;
        }
        if (f.isLocalClose() && closed && operation != Operation.CLOSE) {
            // "Socket closed" after our close is ours, never news about the peer: either a thread blocked in I/O
            // was woken by a close from another thread, or the application used a socket it had closed.
            // The interrupted thread itself is told of the close its interrupt caused, also when it was not blocked
            // in I/O at the time (a channel interrupted before it blocked, a virtual thread's Socket read on JDK 21+).
            boolean interruptReport = interruptReportDue && f.reason() == Reason.INTERRUPT;
            if (interruptReport) {
                interruptReportDue = false;
            }
            if (pendingWakeups > 0) {
                pendingWakeups--;
                return Effect.LATER;
            }
            return interruptReport ? Effect.LATER : Effect.USE_AFTER_CLOSE;
        }
        Effect effect = decide(f.origin(), f.reason(), operation, errorType);
        if (effect == Effect.LATER && laterException == null && !f.isLocalClose()) {
            // The application learnt of the ending only now (a reset read after a stale reuse, a write after
            // the peer's FIN): the span's status is ERROR because of this exception.
            laterException = errorType;
        }
        return effect;
    }

    /** This process is about to shut the input down (see {@link #onShutdown} for when it has). */
    void onShutdownInputStarting() {
        inputShutdownStarted = true;
    }

    /** The shutdownInput announced by {@link #onShutdownInputStarting} failed: end of stream is news again. */
    void onShutdownInputFailed() {
        inputShutdownStarted = false;
    }

    /** This process shut down one direction of the connection. */
    Effect onShutdown(boolean input) {
        if (input) {
            // shutdown(SHUT_RD) sends nothing on the wire: it ends nothing by itself.
            inputShutdown = true;
            return verdict == null ? Effect.NOT_ENDING : Effect.LATER;
        }
        // shutdown(SHUT_WR) sends our FIN: from the wire's point of view we ended the connection.
        return decide(Origin.LOCAL_CLOSE, Reason.SHUTDOWN_OUTPUT, Operation.SHUTDOWN, null);
    }

    /**
     * This process closed the socket.
     *
     * @param threadsInIo      how many other threads were blocked in I/O on the socket (0 to 2)
     * @param interrupted      the close was caused by an interrupt
     * @param timedOutSinceIo  a read timed out after the last successful read or write
     */
    Effect onClose(int threadsInIo, boolean interrupted, boolean timedOutSinceIo) {
        if (closed) {
            return Effect.LATER;
        }
        closed = true;
        pendingWakeups = Math.max(0, threadsInIo);
        interruptReportDue = interrupted;
        if (timedOutSinceIo) {
            // The deadline expired and the application gave up on the connection because of it.
            return decide(Origin.TIMEOUT, Reason.READ_TIMEOUT, Operation.READ, "java.net.SocketTimeoutException");
        }
        Reason reason;
        if (interrupted) {
            reason = Reason.INTERRUPT;
        } else if (threadsInIo > 0) {
            reason = Reason.ASYNC_CLOSE;
        } else if (inputShutdown) {
            reason = Reason.SHUTDOWN_INPUT;
        } else {
            reason = Reason.CLOSE;
        }
        return decide(Origin.LOCAL_CLOSE, reason, Operation.CLOSE, null);
    }

    /**
     * The kernel reports at close that the peer had already sent FIN (the connection was in CLOSE_WAIT), although
     * the application never read the end of stream: a dead pooled connection. Must come before {@link #onClose}.
     */
    Effect onPeerClosedBeforeClose() {
        return decide(Origin.PEER_FIN, Reason.EOF, Operation.CLOSE, null);
    }

    /**
     * The peer's TLS close_notify was received: the peer closed its side of the TLS session first. A close_notify is
     * data, so it came before the peer's FIN in the stream even when the end of stream was read first (the JDK
     * HttpClient reads on one thread and unwraps later on another): it then refines that peer_fin.
     */
    Effect onPeerClosedTls() {
        if (verdict != null && verdict.origin() == Origin.PEER_FIN && verdict.reason() == Reason.EOF
                && verdict.detectedBy() == Operation.READ) {
            verdict = Verdict.of(Origin.PEER_FIN, Reason.CLOSE_NOTIFY, Operation.READ, null);
            return Effect.DECIDED;
        }
        return decide(Origin.PEER_FIN, Reason.CLOSE_NOTIFY, Operation.READ, null);
    }

    /** At our close, the kernel had a reset from the peer pending, never read by the application. */
    Effect onPeerResetBeforeClose() {
        return decide(Origin.PEER_RST, Reason.RESET, Operation.CLOSE, null);
    }

    /**
     * Before the first write after an idle gap, the kernel had the peer's FIN unread: the application reused a
     * connection the peer had already closed (a stale pooled connection).
     */
    Effect onStaleReuse() {
        return decide(Origin.PEER_FIN, Reason.EOF, Operation.REUSE, null);
    }

    /** The socket became unreachable without close(). */
    Effect onCollected() {
        return decide(Origin.LEAKED, Reason.GC, Operation.GC, null);
    }

    /** The JVM is exiting with the connection still open. */
    Effect onProcessExit() {
        return decide(Origin.LOCAL_CLOSE, Reason.PROCESS_EXIT, Operation.EXIT, null);
    }

    private Effect decide(Origin origin, Reason reason, Operation operation, String errorType) {
        if (verdict != null) {
            return Effect.LATER;
        }
        verdict = Verdict.of(origin, reason, operation, errorType);
        return Effect.DECIDED;
    }
}
