package io.sockwatch.agent.tracker;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Ends each connection exactly once and hands it to the {@link ConnectionListener}: at once when a connect failed or a
 * close has no grace period, after the grace period of a close, when the garbage collector finds a socket that was
 * never closed, or at process exit.
 *
 * <p>A closed connection waits in the grace queue so that late signals (a thread woken by the close, use after close)
 * land on its span. The {@code sockwatch-lifecycle} thread ends what is due, and what leaked, every 50 ms. Its own
 * lock is the queue's; a connection's end time is set under the connection's monitor, and nothing else is held while
 * the connection is handed on.
 */
final class ConnectionEnder {

    private final ConnectionTable table;
    private final TlsLinks tls;
    private final PeerCheck peerCheck;
    private final ConnectionListener listener;
    private final long graceNanos;
    private final ArrayBlockingQueue<ConnectionState> closing;
    private final AtomicLong droppedGrace = new AtomicLong();
    private final AtomicLong internalErrors = new AtomicLong();
    private final Thread lifecycle;
    private volatile boolean stopped;
    private volatile Runnable warmUp;

    ConnectionEnder(TrackerSettings settings, ConnectionTable table, TlsLinks tls, PeerCheck peerCheck,
                    ConnectionListener listener) {
        this.table = table;
        this.tls = tls;
        this.peerCheck = peerCheck;
        this.listener = listener;
        this.graceNanos = settings.graceNanos();
        this.closing = new ArrayBlockingQueue<>(Math.max(1, settings.maxPending()));
        this.lifecycle = new Thread(this::runLifecycle, "sockwatch-lifecycle");
        this.lifecycle.setDaemon(true);
    }

    /** Starts the lifecycle thread; it runs {@code warmUp} first. */
    void start(Runnable warmUp) {
        this.warmUp = warmUp;
        lifecycle.start();
    }

    /** Once the exit has begun, no new connection is tracked. */
    boolean isStopped() {
        return stopped;
    }

    /** The application closed the connection at {@code now}: it ends after the grace period, or at once. */
    void closed(ConnectionState state, long now) {
        if (graceNanos <= 0 || !closing.offer(state)) {
            if (graceNanos > 0) {
                droppedGrace.incrementAndGet();
            }
            endNow(state, now);
        }
    }

    /** The connection was established: the listener counts it among the open ones. */
    void opened(ConnectionState state) {
        try {
            listener.connectionOpened(state);
        } catch (Throwable t) {
            internalErrors.incrementAndGet();
        }
    }

    /** Removes the connection from the table and hands it to the listener, exactly once. */
    void endNow(ConnectionState state, long now) {
        synchronized (state) {
            EndingStateMachine ending = state.ending();
            if (ending.endNanos != 0) {
                return;
            }
            ending.endNanos = now;
        }
        table.remove(state);
        if (state.helloFingerprint != 0) {
            tls.ended(state);
        }
        try {
            listener.connectionEnded(state);
        } catch (Throwable t) {
            internalErrors.incrementAndGet();
        }
    }

    private void runLifecycle() {
        Runnable first = warmUp;
        if (first != null) {
            try {
                first.run();
            } catch (Throwable t) {
                internalErrors.incrementAndGet();
            }
        }
        while (!stopped) {
            try {
                endDueClosings(System.nanoTime(), false);
                endLeaked();
                TimeUnit.MILLISECONDS.sleep(50);
            } catch (InterruptedException e) {
                return;
            } catch (Throwable t) {
                internalErrors.incrementAndGet();
            }
        }
    }

    /**
     * Sockets the garbage collector found: without close() they leaked (the JDK's cleaner has closed their
     * descriptors). A socket closed and then dropped is collected as early as the next young collection, often inside
     * its grace period: no leak, and no late signal can come from a socket nobody holds, so it ends now, at its close.
     */
    private void endLeaked() {
        for (ConnectionState collected : table.collected()) {
            long now = System.nanoTime();
            long end = now;
            synchronized (collected) {
                if (collected.isClosedHere()) {
                    end = collected.ending().closeNanos;
                } else {
                    collected.ending().onCollected();
                    collected.addEvent("socket.leaked", now, Map.of());
                }
            }
            endNow(collected, end);
        }
    }

    private void endDueClosings(long now, boolean all) {
        for (ConnectionState state; (state = closing.peek()) != null; ) {
            long closedAt;
            synchronized (state) {
                closedAt = state.ending().closeNanos;
            }
            if (!all && now - closedAt < graceNanos) {
                return; // the queue is in close order: the rest are younger
            }
            closing.poll();
            endNow(state, closedAt);
        }
    }

    /**
     * Ends everything at process exit, on the shutdown hook's thread: closed connections without waiting for their
     * grace period, and those still open as closed by the exit.
     */
    void shutdown() {
        stopped = true;
        lifecycle.interrupt();
        try {
            lifecycle.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        endDueClosings(System.nanoTime(), true);
        endLeaked(); // collected before exit: they leaked, the exit did not close them
        List<ConnectionState> open = table.all();
        long now = System.nanoTime();
        for (ConnectionState state : open) {
            long end;
            synchronized (state) {
                if (state.isEnded()) {
                    continue;
                }
                if (state.isClosedHere()) {
                    end = state.ending().closeNanos;
                } else {
                    peerCheck.beforeClose(state, state.tableRef == null ? null : state.tableRef.get(), now, false);
                    state.ending().onProcessExit();
                    state.addEvent("socket.process_exit", now, Map.of());
                    end = now;
                }
            }
            endNow(state, end);
        }
    }

    long droppedGracePeriods() {
        return droppedGrace.get();
    }

    long internalErrors() {
        return internalErrors.get();
    }
}
