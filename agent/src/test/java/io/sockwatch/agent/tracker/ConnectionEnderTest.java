package io.sockwatch.agent.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.sockwatch.agent.classify.Operation;
import io.sockwatch.agent.classify.Origin;
import io.sockwatch.agent.classify.Reason;
import io.sockwatch.agent.classify.Verdict;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Ending connections: the grace period of a close, a full grace queue, leaks, the exit, and handing each connection on
 * exactly once, on the thread the contract names. Fed with states as the connection signals leave them.
 */
class ConnectionEnderTest {

    private static final String API = "test";

    /** What the listener was given, and on which thread. */
    private record Handed(ConnectionState state, String thread) {
    }

    private final LinkedBlockingQueue<Handed> ended = new LinkedBlockingQueue<>();
    private final ConnectionTable table = new ConnectionTable();
    private final Inspectors inspectors = new Inspectors(table);
    private volatile PeerState peerState = PeerState.OPEN;
    private ConnectionEnder ender;

    private ConnectionEnder ender(long graceMillis, int maxPending) {
        return ender(graceMillis, maxPending, c -> ended.add(new Handed(c, Thread.currentThread().getName())));
    }

    private ConnectionEnder ender(long graceMillis, int maxPending, ConnectionListener listener) {
        TrackerSettings settings = new TrackerSettings(false, false, 1, TimeUnit.MILLISECONDS.toNanos(graceMillis),
                maxPending, PeerFilter.parse(List.of(), new ArrayList<>()), true, Long.MAX_VALUE,
                false);
        inspectors.register(API, new SocketInspector() {
            @Override
            public SocketAddress peer(Object socket) {
                return null;
            }

            @Override
            public SocketAddress local(Object socket) {
                return null;
            }

            @Override
            public int threadsInIo(Object socket) {
                return 0;
            }

            @Override
            public PeerState peerState(Object socket, boolean mayTakeError) {
                return peerState;
            }
        });
        ender = new ConnectionEnder(settings, table, new TlsLinks(inspectors), new PeerCheck(true, 1_000_000_000L, inspectors),
                listener);
        ender.start(() -> { });
        return ender;
    }

    @AfterEach
    void stop() {
        if (ender != null) {
            ender.shutdown();
        }
    }

    private Handed next() throws InterruptedException {
        Handed h = ended.poll(5, TimeUnit.SECONDS);
        assertNotNull(h, "no connection ended");
        return h;
    }

    private ConnectionState open(Object socket) {
        ConnectionState state = new ConnectionState(API, Role.CLIENT, System.nanoTime(), null, 0);
        table.put(socket, state);
        return state;
    }

    /** What ConnectionSignals.closing leaves: the close recorded, then the connection given to the ender. */
    private ConnectionState closeNow(Object socket) {
        ConnectionState state = open(socket);
        long now = System.nanoTime();
        synchronized (state) {
            state.ending().onClose(0, false, false);
            state.ending().closeNanos = now;
        }
        ender.closed(state, now);
        return state;
    }

    private static Verdict verdict(Handed h) {
        return h.state().verdict();
    }

    @Test
    void aClosedConnectionEndsAfterItsGracePeriodOnTheLifecycleThreadAtItsCloseTime() throws Exception {
        ender(300, 16);
        Object socket = new Object();
        ConnectionState state = closeNow(socket);
        assertNull(ended.poll(150, TimeUnit.MILLISECONDS), "ended before its grace period");
        Handed h = next();
        assertSame(state, h.state());
        assertEquals("sockwatch-lifecycle", h.thread());
        assertEquals(AgentClock.epochNanos(state.ending().closeNanos), state.endEpochNanos(), "the span ends at the close");
        assertNull(table.get(socket), "an ended connection stays in the table");
    }

    @Test
    void withoutAGracePeriodAClosedConnectionEndsAtOnceOnTheClosingThread() throws Exception {
        ender(0, 16);
        closeNow(new Object());
        Handed h = ended.poll();
        assertNotNull(h, "not ended at once");
        assertEquals(Thread.currentThread().getName(), h.thread());
        assertEquals(0, ender.droppedGracePeriods(), "no grace period to drop");
    }

    @Test
    void aClosedConnectionWithNoRoomInTheGraceQueueEndsAtOnceAndIsCounted() throws Exception {
        ender(10_000, 1);
        ConnectionState waits = closeNow(new Object());
        ConnectionState cannot = closeNow(new Object());
        Handed h = ended.poll();
        assertNotNull(h, "the second close found the queue full and did not end at once");
        assertSame(cannot, h.state());
        assertNull(ended.poll(), waits + " did not wait for its grace period");
        assertEquals(1, ender.droppedGracePeriods());
    }

    @Test
    void aConnectionIsHandedOnOnceHoweverOftenItEnds() throws Exception {
        ender(0, 16);
        ConnectionState state = closeNow(new Object());
        ender.endNow(state, System.nanoTime());
        ender.shutdown();
        assertSame(state, next().state());
        assertNull(ended.poll(100, TimeUnit.MILLISECONDS), "handed on twice");
    }

    @Test
    void aListenerThatFailsIsCountedAndTheNextConnectionStillEnds() throws Exception {
        AtomicBoolean first = new AtomicBoolean(true);
        ender(0, 16, c -> {
            if (first.getAndSet(false)) {
                throw new IllegalStateException("exporter broke");
            }
            ended.add(new Handed(c, Thread.currentThread().getName()));
        });
        closeNow(new Object());
        ConnectionState second = closeNow(new Object());
        assertSame(second, next().state());
        assertEquals(1, ender.internalErrors());
    }

    @Test
    void aSocketCollectedWithoutCloseEndsAsLeakedOnTheLifecycleThread() throws Exception {
        ender(0, 16);
        open(new Object()); // nothing else holds the socket
        Handed h = null;
        for (int i = 0; i < 100 && h == null; i++) {
            System.gc();
            h = ended.poll(50, TimeUnit.MILLISECONDS);
        }
        assertNotNull(h, "leak not reported");
        assertEquals(new Verdict(Origin.LEAKED, Reason.GC, Operation.GC, null), verdict(h));
        assertEquals("socket.leaked", h.state().events().get(0).name());
        assertEquals("sockwatch-lifecycle", h.thread());
    }

    /**
     * A socket the application closed and dropped is collected by the next young collection, often within its grace
     * period: that is no leak, and nothing can signal on it any more.
     */
    @Test
    void aClosedSocketCollectedInItsGracePeriodIsNoLeakAndEndsAtItsClose() throws Exception {
        ender(60_000, 16);
        ConnectionState state = closeNow(new Object()); // nothing else holds the socket
        Handed h = null;
        for (int i = 0; i < 100 && h == null; i++) {
            System.gc();
            h = ended.poll(50, TimeUnit.MILLISECONDS);
        }
        assertNotNull(h, "a collected socket kept its closed connection for the whole grace period");
        assertSame(state, h.state());
        assertEquals(new Verdict(Origin.LOCAL_CLOSE, Reason.CLOSE, Operation.CLOSE, null), verdict(h));
        assertEquals(List.of(), state.events(), "a closed socket reported as leaked");
        assertEquals(AgentClock.epochNanos(state.ending().closeNanos), state.endEpochNanos(), "ends at its close");
        ender.shutdown();
        assertNull(ended.poll(100, TimeUnit.MILLISECONDS), "handed on twice");
    }

    @Test
    void atExitClosedConnectionsEndWithoutWaitingAndOpenOnesAreClosedByTheExit() throws Exception {
        ender(10_000, 16);
        Object socket = new Object();
        ConnectionState open = open(socket);
        ConnectionState closed = closeNow(new Object());
        ender.shutdown();
        List<Handed> all = List.of(next(), next());
        Handed exit = all.stream().filter(h -> h.state() == open).findFirst().orElseThrow();
        Handed close = all.stream().filter(h -> h.state() == closed).findFirst().orElseThrow();
        assertEquals(new Verdict(Origin.LOCAL_CLOSE, Reason.PROCESS_EXIT, Operation.EXIT, null), verdict(exit));
        assertEquals("socket.process_exit", open.events().get(0).name());
        assertEquals(new Verdict(Origin.LOCAL_CLOSE, Reason.CLOSE, Operation.CLOSE, null), verdict(close));
        assertEquals(AgentClock.epochNanos(closed.ending().closeNanos), closed.endEpochNanos(), "ends at its close");
        assertEquals(Thread.currentThread().getName(), exit.thread(), "on the thread that runs the exit");
        assertNotNull(socket);
    }

    /** The application closed it, but the exit began before the close reached the grace queue. */
    @Test
    void atExitAConnectionClosedButNotYetQueuedEndsAsClosedAtItsCloseTime() throws Exception {
        ender(10_000, 16);
        ConnectionState state = open(new Object());
        synchronized (state) {
            state.ending().onClose(0, false, false);
            state.ending().closeNanos = System.nanoTime();
        }
        ender.shutdown();
        assertEquals(new Verdict(Origin.LOCAL_CLOSE, Reason.CLOSE, Operation.CLOSE, null), verdict(next()));
        assertEquals(AgentClock.epochNanos(state.ending().closeNanos), state.endEpochNanos());
        assertEquals(List.of(), state.events(), "closed by the application, not by the exit");
    }

    @Test
    void atExitAPeerThatHadAlreadyClosedEndedTheConnection() throws Exception {
        ender(0, 16);
        Object socket = new Object();
        ConnectionState state = open(socket);
        peerState = PeerState.FIN_RECEIVED; // CLOSE_WAIT: the pool never read the peer's FIN
        ender.shutdown();
        assertEquals(new Verdict(Origin.PEER_FIN, Reason.EOF, Operation.CLOSE, null), verdict(next()));
        assertEquals(List.of("socket.peer_closed", "socket.process_exit"),
                state.events().stream().map(ConnectionEvent::name).toList());
        assertNotNull(socket); // the kernel is asked through the socket, which must still be there
    }
}
