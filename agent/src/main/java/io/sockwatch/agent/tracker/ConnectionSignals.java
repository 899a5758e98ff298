package io.sockwatch.agent.tracker;

import io.sockwatch.agent.classify.Failure;
import io.sockwatch.agent.classify.FailureTable;
import io.sockwatch.agent.classify.Operation;
import io.sockwatch.agent.tracker.EndingStateMachine.Effect;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * The signals of a connection's life once it is open: read and write, shutdown, close ({@link ConnectionOpenings}
 * has connect and accept). Each runs on the thread that made the call (the application's, or an asynchronous channel
 * group's).
 *
 * <p>Reads and writes that make progress touch only two plain fields of the state: no lock, no allocation. Everything
 * rarer (end of stream, failures, shutdown, close) is recorded under the connection's monitor, the only lock taken
 * here; what a failure means is the classifier's answer, what it means for this connection the
 * {@link EndingStateMachine}'s. Connections that end go to the {@link ConnectionEnder}.
 */
final class ConnectionSignals {

    private final TrackerSettings settings;
    private final ConnectionTable table;
    private final Inspectors inspectors;
    private final TlsLinks tls;
    private final PeerCheck peerCheck;
    private final ConnectionEnder ender;
    private final EventAttributes events;
    private final MidLife midLife;
    private final ApplicationTraces traces;

    ConnectionSignals(TrackerSettings settings, ConnectionTable table, Inspectors inspectors, TlsLinks tls,
                      PeerCheck peerCheck, ConnectionEnder ender, MidLife midLife, ApplicationTraces traces) {
        this.traces = traces;
        this.settings = settings;
        this.table = table;
        this.inspectors = inspectors;
        this.tls = tls;
        this.peerCheck = peerCheck;
        this.ender = ender;
        this.events = new EventAttributes(settings.callSiteDepth());
        this.midLife = midLife;
    }

    /** The tracked state of {@code socket}, or, after a runtime attach, of the socket taken up now. */
    private ConnectionState stateOrMidLife(Object socket, String operation) {
        ConnectionState state = table.get(socket);
        return state != null ? state : midLife.adopt(socket, operation);
    }

    // ---- reads and writes -----------------------------------------------------------------------------------------

    void read(Object socket, long n, Throwable failure) {
        if (n > 0) {
            ConnectionState state = stateOrMidLife(socket, "read");
            if (state != null) {
                state.bytesRead += n;
                state.lastIoNanos = CoarseClock.now();
            }
            return;
        }
        if (n < 0 || failure != null) {
            rareRead(socket, n, failure);
        }
    }

    /**
     * A channel read into {@code dst}. The same two field writes as {@link #read}; only a connection's first read
     * also looks at the bytes (the start of the stream, where a TLS hello would be).
     */
    void readInto(Object socket, long n, Throwable failure, ByteBuffer dst) {
        if (n > 0) {
            ConnectionState state = stateOrMidLife(socket, "read");
            if (state != null) {
                long before = state.bytesRead;
                if (before == 0 && !state.firstSeenMidLife) { // a stream seen from its start
                    tls.firstRead(state, dst, n);
                }
                state.bytesRead = before + n;
                state.lastIoNanos = CoarseClock.now();
            }
            return;
        }
        if (n < 0 || failure != null) {
            rareRead(socket, n, failure);
        }
    }

    void write(Object socket, long n, Throwable failure) {
        if (failure == null) {
            if (n > 0) {
                ConnectionState state = stateOrMidLife(socket, "write");
                if (state != null) {
                    state.bytesWritten += n;
                    long now = CoarseClock.now();
                    state.lastIoNanos = now;
                    state.lastWriteNanos = now;
                }
            }
            return;
        }
        ConnectionState state = inspectors.stateOfWrapped(socket);
        if (state == null) {
            state = midLife.adopt(socket, "write");
        }
        if (state != null) {
            onFailure(state, Operation.WRITE, failure, System.nanoTime());
        }
    }

    /**
     * A write starts. After an idle gap of at least {@code sockwatch.reuse.idle_threshold}, once per gap, the kernel
     * is asked whether the peer already ended the connection: a stale pooled connection, caught as it is reused.
     * Otherwise one volatile load and a subtraction.
     */
    void writing(Object socket) {
        ConnectionState state = table.get(socket);
        if (state == null) {
            state = midLife.adopt(socket, "write");
            if (state != null) {
                checkReuse(state, socket); // first seen now: how long it sat idle before is unknown
            }
            return;
        }
        if (CoarseClock.now() - state.lastIoNanos >= settings.reuseIdleNanos()
                && state.staleCheckedFor != state.lastIoNanos) {
            checkReuse(state, socket);
        }
    }

    private void checkReuse(ConnectionState state, Object socket) {
        synchronized (state) {
            long lastIo = state.lastIoNanos;
            if (state.staleCheckedFor == lastIo) {
                return;
            }
            state.staleCheckedFor = lastIo;
            boolean decidedBefore = state.isEndingDecided();
            long now = System.nanoTime();
            peerCheck.beforeReuse(state, socket, now, events, settings.closeCallSite());
            if (!decidedBefore && state.isEndingDecided()) {
                endingDetectedHere(state, now); // the request that reused a stale connection
            }
        }
    }

    private void rareRead(Object socket, long n, Throwable failure) {
        ConnectionState state = inspectors.stateOfWrapped(socket);
        if (state == null) {
            state = midLife.adopt(socket, "read");
        }
        if (state == null) {
            return;
        }
        long now = System.nanoTime();
        if (failure != null) {
            onFailure(state, Operation.READ, failure, now);
            return;
        }
        synchronized (state) {
            EndingStateMachine ending = state.ending();
            Effect effect = ending.onEndOfStream();
            if (effect == Effect.DECIDED) {
                endingDetectedHere(state, now);
            }
            if (!ending.eofSeen) {
                ending.eofSeen = true;
                // One event for the first end of stream; applications often read -1 repeatedly.
                state.addEvent("socket.eof", now, Map.of("socket.eof.after_local_shutdown",
                        effect == Effect.NOT_ENDING));
            }
        }
    }

    private void onFailure(ConnectionState state, Operation operation, Throwable failure, long now) {
        Failure f = FailureTable.classify(operation, failure, inspectors.errno(state, failure));
        synchronized (state) {
            if (f.timeoutEvent()) {
                state.addEvent("socket.timeout", now, EventAttributes.timeout(operation, failure));
                if (!f.terminal()) {
                    // A socket read timeout leaves the socket usable (an asynchronous channel's does not): it is the
                    // ending only if the application then closes without progress in between.
                    state.ending().progressAtTimeout = state.bytesRead + state.bytesWritten;
                    return;
                }
            }
            state.addEvent("exception", now, EventAttributes.exception(failure));
            Effect effect = state.ending().onFailure(operation, f, failure.getClass().getName());
            if (effect == Effect.DECIDED) {
                endingDetectedHere(state, now);
            }
            if (effect == Effect.USE_AFTER_CLOSE) {
                Map<String, Object> attributes = events.onThisThread(settings.closeCallSite());
                attributes.put("socket.operation", operation.detectedBy());
                state.addEvent("socket.use_after_close", now, attributes);
            }
        }
    }

    /**
     * The signal that decided the ending came on this thread: the application's span current here is the request
     * that suffered it. Under the connection's monitor; reads a thread-local of the application's tracing, nothing
     * more.
     */
    private void endingDetectedHere(ConnectionState state, long now) {
        state.endingDetected(traces.currentSpan(), now);
    }

    // ---- shutdown and close ---------------------------------------------------------------------------------------

    void shuttingDownInput(Object socket) {
        ConnectionState state = stateOrMidLife(socket, "shutdown");
        if (state != null) {
            synchronized (state) {
                state.ending().onShutdownInputStarting();
            }
        }
    }

    void shutdown(Object socket, boolean input, Throwable failure) {
        ConnectionState state = stateOrMidLife(socket, "shutdown");
        if (state == null) {
            return;
        }
        long now = System.nanoTime();
        if (failure != null) {
            if (input) {
                synchronized (state) {
                    state.ending().onShutdownInputFailed();
                }
            }
            onFailure(state, Operation.SHUTDOWN, failure, now);
            return;
        }
        synchronized (state) {
            state.ending().onShutdown(input);
            state.addEvent("socket.shutdown", now, Map.of("socket.shutdown.direction", input ? "input" : "output"));
        }
    }

    /** Off the application's threads, at start: see {@link EventAttributes#warmUp}. */
    void warmUp() {
        if (settings.closeCallSite() || settings.openCallSite()) {
            events.warmUp();
        }
        // A close's own steps, on a connection that is never tracked nor exported: the classes they load (the
        // verdict's, the events', the clock's) are loaded here, not on the application's first close.
        for (int i = 0; i < 200; i++) {
            long now = System.nanoTime();
            ConnectionState rehearsal = new ConnectionState("sockwatch-warm-up", Role.CLIENT, now, null, 0);
            synchronized (rehearsal) {
                peerCheck.beforeClose(rehearsal, rehearsal, now, true);
                rehearsal.ending().onClose(0, false, false);
                rehearsal.addEvent("socket.close", now,
                        EventAttributes.close(EventAttributes.threadName(Thread.currentThread()), null, 0));
            }
            rehearsal.statusErrorType();
            rehearsal.idleMillis();
        }
        FailureTable.classify(Operation.READ, new java.net.SocketException("Connection reset"));
    }

    void closing(Object socket) {
        ConnectionState state = stateOrMidLife(socket, "close");
        if (state == null) {
            return;
        }
        long now = System.nanoTime();
        synchronized (state) {
            if (state.connectingThread == Thread.currentThread()) {
                return; // The JDK closing a socket whose connect failed; connectEnded decides.
            }
            if (state.isClosedHere()) {
                return; // close() is idempotent
            }
            if (!state.hasLocal()) {
                inspectors.fillAddresses(state, socket); // last chance: the descriptor is still open
            }
            SocketInspector inspector = inspectors.of(state.api());
            EndingStateMachine ending = state.ending();
            boolean decidedBefore = ending.isDecided();
            // The stack walk first, the kernel's view of the peer last: the JDK's close (our FIN) follows within
            // microseconds, so a peer FIN that arrives meanwhile is one the wire shows after ours. With only error
            // spans, the walk (most of a close's cost) waits until the verdict says the span will be written; an
            // error verdict is decided by then, and no FIN can change it.
            boolean callSiteNow = settings.closeCallSite()
                    && (!settings.closeCallSiteOnErrors() || decidedBefore && state.statusErrorType() != null);
            Object site = callSiteNow ? events.callSite() : null;
            int threadsInIo = inspector == null ? 0 : inspector.threadsInIo(socket);
            boolean interrupted = (inspector == null || inspector.closesOnInterrupt())
                    && Thread.currentThread().isInterrupted()
                    || (inspector != null && inspector.closedByInterrupt(socket));
            boolean timedOut = ending.progressAtTimeout == state.bytesRead + state.bytesWritten;
            Object span = decidedBefore ? null : traces.currentSpan(); // before the kernel's view, which goes last
            peerCheck.beforeClose(state, socket, now, true);
            ending.onClose(threadsInIo, interrupted, timedOut);
            if (!decidedBefore && ending.isDecided()) {
                // decided by the close itself, or by the kernel's view of the peer at close
                state.endingDetected(span, now);
            }
            if (settings.closeCallSite() && !callSiteNow && state.statusErrorType() != null) {
                site = events.callSite();
            }
            ending.closeNanos = now;
            state.addEvent("socket.close", now,
                    EventAttributes.close(EventAttributes.threadName(Thread.currentThread()), site, threadsInIo));
        }
        ender.closed(state, now);
    }
}
