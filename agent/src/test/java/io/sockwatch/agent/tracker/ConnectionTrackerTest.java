package io.sockwatch.agent.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockwatch.agent.classify.Origin;
import io.sockwatch.agent.classify.Reason;
import io.sockwatch.agent.classify.Verdict;
import java.lang.ref.WeakReference;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.InterruptedByTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The tracker fed with the signal sequences the JDK produces, without instrumentation. */
class ConnectionTrackerTest {

    private static final String API = "test";
    private static final InetSocketAddress PEER = new InetSocketAddress(InetAddress.getLoopbackAddress(), 8080);
    private static final InetSocketAddress LOCAL = new InetSocketAddress(InetAddress.getLoopbackAddress(), 50000);

    private final LinkedBlockingQueue<ConnectionState> ended = new LinkedBlockingQueue<>();
    private final FakeInspector inspector = new FakeInspector();
    private ConnectionTracker tracker;

    /** Short, so that a test can wait it out; far longer than the steps of a test that must not reach it. */
    private static final long REUSE_IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(300);

    private volatile boolean peerClosed;
    /** What poll(2) says, when a test needs more than {@link #peerClosed}. */
    private volatile PeerState kernelSays;

    private boolean openCallSite;
    /** As with sockwatch.spans=errors: a close's call site only for an error verdict. */
    private boolean callSiteOnErrors;
    /** Started by a runtime attach: sockets the tracker never saw open are taken up mid-life. */
    private boolean attached;

    private ConnectionTracker tracker(long graceMillis) {
        return tracker(graceMillis, PeerFilter.parse(List.of(), new ArrayList<>()));
    }

    private ConnectionTracker tracker(long graceMillis, PeerFilter excluded) {
        tracker = new ConnectionTracker(new TrackerSettings(true, openCallSite, 3, TimeUnit.MILLISECONDS.toNanos(graceMillis), 16,
                excluded, true, REUSE_IDLE_NANOS, attached, Set.of(), callSiteOnErrors), ended::add);
        tracker.registerInspector(API, inspector);
        tracker.start(() -> { }, () -> new Object[0]);
        return tracker;
    }

    @AfterEach
    void stop() {
        if (tracker != null) {
            tracker.shutdown();
        }
    }

    private ConnectionState next() throws InterruptedException {
        ConnectionState s = ended.poll(5, TimeUnit.SECONDS);
        assertNotNull(s, "no connection ended");
        return s;
    }

    private static void assertVerdict(ConnectionState s, Origin origin, Reason reason, String detectedBy) {
        Verdict v = s.verdict();
        assertEquals(origin, v.origin(), () -> "verdict " + v + ", events " + names(s));
        assertEquals(reason, v.reason(), () -> "verdict " + v);
        assertEquals(detectedBy, v.detectedBy().detectedBy(), () -> "verdict " + v);
    }

    private static List<String> names(ConnectionState s) {
        return s.events().stream().map(ConnectionEvent::name).collect(Collectors.toList());
    }

    private Object connected(ConnectionTracker t) {
        Object socket = new Object();
        t.connectStarted(socket, new InetSocketAddress("localhost", 8080), 0, API);
        t.connectEnded(socket, null);
        return socket;
    }

    @Test
    void peerFinThenClose() throws Exception {
        ConnectionTracker t = tracker(0);
        Object socket = connected(t);
        t.write(socket, 10, null);
        t.read(socket, 5, null);
        t.read(socket, -1, null);
        t.read(socket, -1, null);
        t.closing(socket);
        ConnectionState s = next();
        assertVerdict(s, Origin.PEER_FIN, Reason.EOF, "read");
        assertEquals(5, s.bytesRead());
        assertEquals(10, s.bytesWritten());
        assertEquals(List.of("socket.eof", "socket.close"), names(s), "one eof event however often -1 is read");
        assertEquals(PEER, s.peer());
        assertEquals(LOCAL, s.local());
        assertEquals("localhost", s.requestedHost());
        assertEquals(8080, s.requestedPort());
        assertEquals(Role.CLIENT, s.role());
    }

    @Test
    void closingAConnectionThePeerHadClosedIsPeerFinDetectedAtClose() throws Exception {
        ConnectionTracker t = tracker(0);
        Object socket = connected(t);
        t.read(socket, 10, null);
        peerClosed = true; // the kernel says CLOSE_WAIT: the FIN is there, unread
        t.closing(socket);
        ConnectionState s = next();
        assertVerdict(s, Origin.PEER_FIN, Reason.EOF, "close");
        assertEquals(List.of("socket.peer_closed", "socket.close"), names(s));
        assertEquals("close_wait", s.events().get(0).attributes().get("network.tcp.state"));
        assertEquals(1, inspector.peerStateCalls.get(), "one poll(2) at the close");
    }

    @Test
    void aGoodbyeThePeerAnsweredWithItsFinIsOurEnding() throws Exception {
        ConnectionTracker t = tracker(0);
        Object socket = connected(t);
        t.write(socket, 10, null);
        t.read(socket, 5, null);
        t.writing(socket);
        t.write(socket, 5, null); // Terminate, QUIT: our last word
        peerClosed = true; // the server answered by closing before our close
        t.closing(socket);
        ConnectionState s = next();
        assertVerdict(s, Origin.LOCAL_CLOSE, Reason.CLOSE, "close");
        assertEquals(List.of("socket.goodbye", "socket.close"), names(s));
        assertEquals("close_wait", s.events().get(0).attributes().get("network.tcp.state"));
        assertNull(s.statusErrorType());
    }

    @Test
    void aGoodbyeWhoseReplyWasReadIsStillOurs() throws Exception {
        ConnectionTracker t = tracker(0);
        Object socket = connected(t);
        t.write(socket, 14, null); // QUIT
        t.read(socket, 5, null); // +OK, and the server's FIN right behind it
        peerClosed = true;
        t.closing(socket);
        ConnectionState s = next();
        assertVerdict(s, Origin.LOCAL_CLOSE, Reason.CLOSE, "close");
        assertEquals(List.of("socket.goodbye", "socket.close"), names(s));
    }

    @Test
    void aFinFoundAtExitIsThePeersEvenRightAfterOurWrite() throws Exception {
        ConnectionTracker t = tracker(0);
        Object socket = connected(t);
        t.write(socket, 146, null); // a keep-alive request
        t.read(socket, 67, null);
        peerClosed = true; // the server's keep-alive timeout; the application never closed: no goodbye of ours
        t.shutdown();
        ConnectionState s = next();
        assertVerdict(s, Origin.PEER_FIN, Reason.EOF, "close");
        assertEquals(List.of("socket.peer_closed", "socket.process_exit"), names(s));
    }

    @Test
    void aFinFoundAtCloseAfterAnIdleGapIsThePeers() throws Exception {
        ConnectionTracker t = tracker(0);
        Object socket = connected(t);
        t.write(socket, 10, null);
        t.read(socket, 5, null);
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(REUSE_IDLE_NANOS) + 150);
        peerClosed = true; // the server's idle timeout: a dead pooled connection, closed by the pool
        t.closing(socket);
        ConnectionState s = next();
        assertVerdict(s, Origin.PEER_FIN, Reason.EOF, "close");
        assertEquals(List.of("socket.peer_closed", "socket.close"), names(s));
    }

    @Test
    void aResetFoundAtCloseThatTheKernelFiledAsEpipeCameAfterThePeersFin() throws Exception {
        ConnectionTracker t = tracker(0);
        Object socket = connected(t);
        t.write(socket, 10, null);
        kernelSays = PeerState.RESET_AFTER_FIN;
        t.closing(socket);
        ConnectionState s = next();
        assertVerdict(s, Origin.PEER_FIN, Reason.EOF, "close");
        assertEquals(List.of("socket.peer_closed", "socket.close"), names(s));
        assertEquals("EPIPE", s.events().get(0).attributes().get("socket.error"));
        assertEquals("reset", s.events().get(0).attributes().get("network.tcp.state"));
        assertNull(s.statusErrorType(), "the application was told nothing");
    }

    @Test
    void aResetFoundAtCloseIsThePeersResetWithoutError() throws Exception {
        ConnectionTracker t = tracker(0);
        Object socket = connected(t);
        t.write(socket, 10, null);
        kernelSays = PeerState.RESET_RECEIVED;
        t.closing(socket);
        ConnectionState s = next();
        assertVerdict(s, Origin.PEER_RST, Reason.RESET, "close");
        assertNull(s.statusErrorType(), "contract v2: an ending that raised nothing is UNSET");
    }

    @Test
    void aStaleConnectionIsCaughtAtTheFirstWriteAfterAnIdleGap() throws Exception {
        ConnectionTracker t = tracker(0);
        Object socket = connected(t);
        t.write(socket, 10, null);
        t.read(socket, 10, null);
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(REUSE_IDLE_NANOS) + 150);
        peerClosed = true; // the server's idle timeout closed it meanwhile
        t.writing(socket);
        t.write(socket, 10, null); // the write itself still succeeds: the bytes go to the kernel
        t.read(socket, 0, new SocketException("Connection reset")); // the peer's kernel answered with RST
        t.closing(socket);
        ConnectionState s = next();
        assertVerdict(s, Origin.PEER_FIN, Reason.EOF, "reuse");
        assertEquals(List.of("socket.stale_reuse", "exception", "socket.close"), names(s));
        Map<String, Object> reuse = s.events().get(0).attributes();
        assertTrue((long) reuse.get("socket.idle_ms") >= TimeUnit.NANOSECONDS.toMillis(REUSE_IDLE_NANOS),
                reuse.toString());
        assertEquals("write", reuse.get("socket.operation"));
        assertEquals("close_wait", reuse.get("network.tcp.state"));
        assertNotNull(reuse.get("thread.name"));
        assertNotNull(reuse.get("code.function.name"), "the call site of the reuse");
        assertEquals(1, inspector.peerStateCalls.get(), "one poll(2) at reuse; none at close, already decided");
        assertEquals("java.net.SocketException", s.statusErrorType(), "the reset reached the application");
    }

    @Test
    void aResetWhileIdleIsSeenAtReuseAndLeftToTheWriteToName() throws Exception {
        ConnectionTracker t = tracker(0);
        Object socket = connected(t);
        t.read(socket, 10, null);
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(REUSE_IDLE_NANOS) + 150);
        kernelSays = PeerState.RESET_RECEIVED;
        t.writing(socket);
        // The kernel filed the reset as EPIPE: it came after the peer's FIN. Only the write may take that errno.
        t.write(socket, 0, new SocketException("Broken pipe"));
        t.closing(socket);
        ConnectionState s = next();
        assertVerdict(s, Origin.PEER_FIN, Reason.BROKEN_PIPE, "write");
        assertEquals(List.of("socket.stale_reuse", "exception", "socket.close"), names(s));
        assertEquals("reset", s.events().get(0).attributes().get("network.tcp.state"));
    }

    @Test
    void oneCheckPerIdleGapAndNoneWithoutOne() throws Exception {
        ConnectionTracker t = tracker(0);
        Object socket = connected(t);
        t.read(socket, 10, null);
        t.writing(socket);
        t.write(socket, 10, null);
        assertEquals(0, inspector.peerStateCalls.get(), "no idle gap, no check");
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(REUSE_IDLE_NANOS) + 150);
        t.writing(socket);
        t.write(socket, 0, null); // a full send buffer: no progress
        t.writing(socket);
        t.write(socket, 0, null);
        assertEquals(1, inspector.peerStateCalls.get(), "the same idle gap is checked once");
        t.writing(socket);
        t.write(socket, 10, null);
        peerClosed = true; // after our last write: a goodbye answered
        t.closing(socket);
        ConnectionState s = next();
        assertVerdict(s, Origin.LOCAL_CLOSE, Reason.CLOSE, "close");
        assertEquals(List.of("socket.goodbye", "socket.close"), names(s));
    }

    @Test
    void afterARuntimeAttachASocketOpenedBeforeIsTakenUpAtItsFirstOperation() throws Exception {
        attached = true;
        ConnectionTracker t = tracker(0);
        Object pooled = new Object(); // opened before the attach: the tracker never saw its connect
        inspector.connected.add(pooled);
        t.read(pooled, 10, null);
        t.writing(pooled);
        t.write(pooled, 4, null);
        t.read(pooled, -1, null);
        t.closing(pooled);
        ConnectionState s = next();
        assertVerdict(s, Origin.PEER_FIN, Reason.EOF, "read");
        assertTrue(s.firstSeenMidLife());
        assertEquals(List.of("socket.first_seen", "socket.eof", "socket.close"), names(s));
        assertEquals("read", s.events().get(0).attributes().get("socket.operation"));
        assertEquals(10, s.bytesRead(), "counted from the first sight");
        assertEquals(4, s.bytesWritten());
        assertEquals(PEER, s.peer());
        assertEquals(LOCAL, s.local());
        assertNull(s.requestedHost(), "the application's words for the peer were never seen");
    }

    @Test
    void aSocketFirstSeenAtItsCloseStillGetsItsVerdict() throws Exception {
        attached = true;
        ConnectionTracker t = tracker(0);
        Object pooled = new Object();
        inspector.connected.add(pooled);
        peerClosed = true; // it went stale before the attach
        t.closing(pooled);
        ConnectionState s = next();
        assertVerdict(s, Origin.PEER_FIN, Reason.EOF, "close");
        assertEquals(List.of("socket.first_seen", "socket.peer_closed", "socket.close"), names(s));
    }

    @Test
    void closedIgnoredOrUnattachedSocketsAreNeverTakenUp() throws Exception {
        attached = true;
        ConnectionTracker t = tracker(0);
        Object closed = new Object(); // not connected in the JDK's eyes: closed already
        t.closing(closed);
        t.read(closed, 0, new SocketException("Socket closed"));
        Object own = new Object(); // sockwatch's own export connection
        AgentWork.run(() -> {
            t.connectStarted(own, PEER, 0, API);
            return null;
        });
        inspector.connected.add(own);
        t.read(own, 10, null);
        t.closing(own);
        Object tracked = connected(t);
        inspector.connected.add(tracked);
        t.closing(tracked);
        ConnectionState s = next();
        assertFalse(s.firstSeenMidLife(), "a socket seen from its connect");
        assertNull(ended.poll(300, TimeUnit.MILLISECONDS), "nothing else ended: " + ended);
    }

    @Test
    void withoutARuntimeAttachNothingIsTakenUp() throws Exception {
        ConnectionTracker t = tracker(0);
        Object unknown = new Object();
        inspector.connected.add(unknown);
        t.read(unknown, 10, null);
        t.closing(unknown);
        assertNull(ended.poll(300, TimeUnit.MILLISECONDS));
    }

    @Test
    void aServerSocketFirstSeenMidLifeIsKnownByItsListeningPort() {
        assertEquals(java.util.Set.of(8080), ListeningPorts.parse(
                "   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000 0 1 1 0 100 0 0 10 0"));
        assertEquals(java.util.Set.of(), ListeningPorts.parse(
                "   1: 0100007F:C350 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1000 0 2 1 0 20 4 30 10 -1"),
                "an established connection is no listener");
        assertEquals(java.util.Set.of(), ListeningPorts.parse("  sl  local_address rem_address   st tx_queue"));
    }

    @Test
    void theKernelIsNotAskedOnceTheEndingIsKnown() throws Exception {
        ConnectionTracker t = tracker(0);
        Object socket = connected(t);
        t.read(socket, 0, new SocketException("Connection reset"));
        peerClosed = true;
        t.closing(socket);
        ConnectionState s = next();
        assertVerdict(s, Origin.PEER_RST, Reason.RESET, "read");
        // The verdict alone cannot tell: a later peer check never overrides it. Only the calls and the event can.
        assertEquals(0, inspector.peerStateCalls.get(), "no poll(2) once the reset decided");
        assertEquals(List.of("exception", "socket.close"), names(s));
    }

    @Test
    void refusedConnectEndsAtOnceAndIgnoresTheJdksOwnClose() throws Exception {
        ConnectionTracker t = tracker(10_000);
        Object socket = new Object();
        assertForgotten(refusedConnect(t, socket));
        assertNotNull(socket); // the socket itself is still reachable: only the table could hold its state
    }

    private WeakReference<ConnectionState> refusedConnect(ConnectionTracker t, Object socket) throws Exception {
        t.connectStarted(socket, new InetSocketAddress("127.0.0.1", 1), 0, API);
        t.closing(socket); // NioSocketImpl closes the socket itself before rethrowing
        t.connectEnded(socket, new ConnectException("Connection refused"));
        ConnectionState s = next();
        assertVerdict(s, Origin.PEER_RST, Reason.REFUSED, "connect");
        assertEquals("java.net.ConnectException", s.verdict().errorType());
        assertEquals(List.of("exception"), names(s));
        return new WeakReference<>(s);
    }

    /** Nothing in the tracker holds a connection once it ended: its state becomes garbage. */
    private static void assertForgotten(WeakReference<ConnectionState> ended) throws InterruptedException {
        for (int i = 0; i < 100 && ended.get() != null; i++) {
            System.gc();
            Thread.sleep(10);
        }
        assertNull(ended.get(), "the tracker still holds an ended connection");
    }

    @Test
    void readTimeoutThenCloseIsATimeout() throws Exception {
        ConnectionTracker t = tracker(0);
        Object socket = connected(t);
        t.read(socket, 0, new SocketTimeoutException("Read timed out"));
        t.closing(socket);
        ConnectionState s = next();
        assertVerdict(s, Origin.TIMEOUT, Reason.READ_TIMEOUT, "read");
        assertEquals(List.of("socket.timeout", "socket.close"), names(s));
    }

    @Test
    void readTimeoutFollowedByProgressIsNotTheReason() throws Exception {
        ConnectionTracker t = tracker(0);
        Object socket = connected(t);
        t.read(socket, 0, new SocketTimeoutException("Read timed out"));
        Thread.sleep(2); // progress strictly after the timeout
        t.read(socket, 3, null);
        t.closing(socket);
        assertVerdict(next(), Origin.LOCAL_CLOSE, Reason.CLOSE, "close");
    }

    /** With error spans only, the walk is skipped where no span will be written, and kept where one will. */
    @Test
    void withErrorSpansOnlyTheCloseOfACleanEndingWalksNoStack() throws Exception {
        callSiteOnErrors = true;
        ConnectionTracker t = tracker(0);
        Object socket = connected(t);
        t.read(socket, -1, null);
        t.closing(socket);
        ConnectionState s = next();
        assertVerdict(s, Origin.PEER_FIN, Reason.EOF, "read");
        assertEquals(List.of("socket.eof", "socket.close"), names(s));
        Map<String, Object> close = s.events().get(1).attributes();
        assertNotNull(close.get("thread.name"));
        assertNull(close.get("code.function.name"), "a call site for a span that is not written: " + close);
    }

    @Test
    void withErrorSpansOnlyAResetFoundOnlyAtTheCloseRaisedNothingAndWalksNoStack() throws Exception {
        callSiteOnErrors = true;
        ConnectionTracker t = tracker(0);
        Object socket = connected(t);
        kernelSays = PeerState.RESET_RECEIVED;
        t.closing(socket);
        ConnectionState s = next();
        assertVerdict(s, Origin.PEER_RST, Reason.RESET, "close");
        assertNull(s.statusErrorType(), "UNSET in the contract: the application received no exception");
        assertEquals(List.of("socket.peer_closed", "socket.close"), names(s));
        assertNull(s.events().get(1).attributes().get("code.function.name"));
    }

    @Test
    void withErrorSpansOnlyACloseAfterAResetOrATimeoutGetsTheCloseCallSite() throws Exception {
        callSiteOnErrors = true;
        ConnectionTracker t = tracker(0);
        Object reset = connected(t);
        t.read(reset, 0, new SocketException("Connection reset"));
        t.closing(reset);
        ConnectionState r = next();
        assertVerdict(r, Origin.PEER_RST, Reason.RESET, "read");
        assertNotNull(r.events().get(1).attributes().get("code.function.name"), "decided before the close: " + names(r));
        Object timedOut = connected(t);
        t.read(timedOut, 0, new SocketTimeoutException("Read timed out"));
        t.closing(timedOut);
        ConnectionState o = next();
        assertVerdict(o, Origin.TIMEOUT, Reason.READ_TIMEOUT, "read");
        Map<String, Object> close = o.events().get(o.events().size() - 1).attributes();
        assertNotNull(close.get("code.function.name"), "decided by the close itself: " + names(o));
    }

    @Test
    void useAfterCloseLandsOnTheSpanDuringTheGracePeriod() throws Exception {
        ConnectionTracker t = tracker(300);
        Object socket = connected(t);
        t.closing(socket);
        t.read(socket, 0, new SocketException("Socket closed"));
        assertTrue(ended.isEmpty(), "the span waits for the grace period");
        ConnectionState s = next();
        assertVerdict(s, Origin.LOCAL_CLOSE, Reason.CLOSE, "close");
        assertEquals(List.of("socket.close", "exception", "socket.use_after_close"), names(s));
        Object callSite = s.events().get(2).attributes().get("code.function.name");
        assertNotNull(callSite, "use after close carries the call site");
    }

    @Test
    void closeFromAnotherThreadWhileOneIsBlockedIsAsyncAndItsWakeUpIsNotMisuse() throws Exception {
        ConnectionTracker t = tracker(200);
        Object socket = connected(t);
        inspector.threadsInIo = 1;
        t.closing(socket);
        t.read(socket, 0, new SocketException("Socket closed"));
        ConnectionState s = next();
        assertVerdict(s, Origin.LOCAL_CLOSE, Reason.ASYNC_CLOSE, "close");
        assertFalse(names(s).contains("socket.use_after_close"), names(s).toString());
    }

    @Test
    void resetIsNotOverwrittenByLaterSignals() throws Exception {
        ConnectionTracker t = tracker(0);
        Object socket = connected(t);
        t.read(socket, 0, new SocketException("Connection reset"));
        t.write(socket, 0, new SocketException("Broken pipe"));
        t.closing(socket);
        ConnectionState s = next();
        assertVerdict(s, Origin.PEER_RST, Reason.RESET, "read");
        assertEquals(List.of("exception", "exception", "socket.close"), names(s));
    }

    @Test
    void shutdownOutputIsOurFin() throws Exception {
        ConnectionTracker t = tracker(0);
        Object socket = connected(t);
        t.shutdown(socket, false, null);
        t.read(socket, -1, null);
        t.closing(socket);
        ConnectionState s = next();
        assertVerdict(s, Origin.LOCAL_CLOSE, Reason.SHUTDOWN_OUTPUT, "close");
        assertEquals("output", s.events().get(0).attributes().get("socket.shutdown.direction"));
    }

    @Test
    void acceptedConnectionsAreServerSpans() throws Exception {
        ConnectionTracker t = tracker(0);
        Object socket = new Object();
        t.acceptEnded(new Object(), socket, null, API);
        t.closing(socket);
        ConnectionState s = next();
        assertEquals(Role.SERVER, s.role());
        assertEquals(PEER, s.peer());
        assertVerdict(s, Origin.LOCAL_CLOSE, Reason.CLOSE, "close");
    }

    @Test
    void excludedPeersAreNotTracked() throws Exception {
        PeerFilter excluded = PeerFilter.parse(List.of("localhost:8080"), new ArrayList<>());
        ConnectionTracker t = tracker(0, excluded);
        Object connected = connected(t);
        Object accepted = new Object();
        t.acceptEnded(new Object(), accepted, null, API); // peer 127.0.0.1:8080 is excluded by address too
        t.read(connected, 5, null);
        t.read(accepted, -1, null);
        t.shutdown(); // a tracked connection still open would end here, closed by the exit
        assertNull(ended.poll(100, TimeUnit.MILLISECONDS), "an excluded peer was tracked");
    }

    @Test
    void connectionsOfTheAgentsOwnThreadsAreNotTracked() throws Exception {
        ConnectionTracker t = tracker(0);
        AgentWork.mark(true);
        try {
            Object export = new Object();
            t.connectStarted(export, InetSocketAddress.createUnresolved("collector.example", 4318), 0, API);
            t.connectEnded(export, null);
        } finally {
            AgentWork.mark(false);
        }
        connected(t);
        t.shutdown();
        assertEquals("localhost", next().requestedHost(), "the application's connection is tracked");
        assertNull(ended.poll(100, TimeUnit.MILLISECONDS), "the agent's own connection was tracked");
    }

    @Test
    void connectionsOpenedOnceTheExitBeganAreNotTracked() throws Exception {
        ConnectionTracker t = tracker(0);
        t.shutdown();
        Object socket = connected(t);
        Object accepted = new Object();
        t.acceptEnded(new Object(), accepted, null, API);
        t.closing(socket);
        t.closing(accepted);
        assertNull(ended.poll(100, TimeUnit.MILLISECONDS), "a connection opened during the exit was tracked");
    }

    @Test
    void socketsCollectedWithoutCloseAreLeaked() throws Exception {
        openCallSite = true;
        ConnectionTracker t = tracker(0);
        openAndDrop(t);
        ConnectionState s = null;
        for (int i = 0; i < 100 && s == null; i++) {
            System.gc();
            s = ended.poll(50, TimeUnit.MILLISECONDS);
        }
        assertNotNull(s, "leak not reported");
        assertVerdict(s, Origin.LEAKED, Reason.GC, "gc");
        assertEquals(3, s.bytesRead());
        assertEquals("socket.open", s.events().get(0).name());
        assertNotNull(s.events().get(0).attributes().get("code.function.name"),
                "where the leaked socket was opened: " + s.events().get(0));
        assertEquals("main", s.events().get(0).attributes().get("thread.name"));
    }

    // ---- asynchronous channels: results arrive on other threads, nobody waits in connect ----------------------

    @Test
    void asynchronousConnectClosedByTheUserBeforeItCompletedIsALocalClose() throws Exception {
        ConnectionTracker t = tracker(10_000);
        Object channel = new Object();
        t.asyncConnectStarted(channel, PEER, API);
        inspector.threadsInIo = 1; // the pending connect
        t.closing(channel); // on the thread that started the connect: still the application's close
        t.connectEnded(channel, new AsynchronousCloseException()); // the JDK fails the pending connect
        ConnectionState s = next();
        assertVerdict(s, Origin.LOCAL_CLOSE, Reason.ASYNC_CLOSE, "close");
        assertFalse(names(s).contains("socket.use_after_close"), names(s).toString());
    }

    @Test
    void asynchronousConnectThatSucceedsOnAnotherThreadIsACompleteClientConnection() throws Exception {
        ConnectionTracker t = tracker(0);
        Object channel = new Object();
        t.asyncConnectStarted(channel, new InetSocketAddress("localhost", 8080), API);
        Thread completer = new Thread(() -> t.connectEnded(channel, null), "event-thread");
        completer.start();
        completer.join();
        t.read(channel, 4, null);
        t.read(channel, -1, null);
        t.closing(channel);
        ConnectionState s = next();
        assertVerdict(s, Origin.PEER_FIN, Reason.EOF, "read");
        assertEquals(Role.CLIENT, s.role());
        assertEquals(LOCAL, s.local());
        assertEquals("localhost", s.requestedHost());
        assertEquals(4, s.bytesRead());
    }

    @Test
    void asynchronousReadTimeoutIsTheEndingAndATimeoutEvent() throws Exception {
        ConnectionTracker t = tracker(0);
        Object channel = connected(t);
        t.read(channel, 0, new InterruptedByTimeoutException());
        t.write(channel, 5, null); // writing is still allowed; reading never again
        t.closing(channel);
        ConnectionState s = next();
        assertVerdict(s, Origin.TIMEOUT, Reason.READ_TIMEOUT, "read");
        assertEquals(List.of("socket.timeout", "exception", "socket.close"), names(s));
        assertEquals("read", s.events().get(0).attributes().get("socket.operation"));
        assertFalse(s.events().get(0).attributes().containsKey("exception.message"), "the exception has none");
    }

    @Test
    void anInterruptedThreadClosingAnAsynchronousChannelIsAPlainClose() throws Exception {
        ConnectionTracker t = tracker(0);
        inspector.closesOnInterrupt = false;
        Object channel = connected(t);
        Thread.currentThread().interrupt();
        try {
            t.closing(channel);
        } finally {
            Thread.interrupted();
        }
        assertVerdict(next(), Origin.LOCAL_CLOSE, Reason.CLOSE, "close");
    }

    @Test
    void anInterruptedThreadClosingASocketIsAnInterrupt() throws Exception {
        ConnectionTracker t = tracker(0);
        Object socket = connected(t);
        Thread.currentThread().interrupt();
        try {
            t.closing(socket);
        } finally {
            Thread.interrupted();
        }
        assertVerdict(next(), Origin.LOCAL_CLOSE, Reason.INTERRUPT, "close");
    }

    @Test
    void aUnixDomainConnectAsksForTheSocketFile() throws Exception {
        ConnectionTracker t = tracker(0);
        Object channel = new Object();
        UnixDomainSocketAddress path = UnixDomainSocketAddress.of("/run/app.sock");
        t.connectStarted(channel, path, 0, API);
        t.connectEnded(channel, new ConnectException("Connection refused"));
        ConnectionState s = next();
        assertVerdict(s, Origin.PEER_RST, Reason.REFUSED, "connect");
        assertEquals("/run/app.sock", s.requestedHost());
        assertEquals(path, s.peer());
    }

    @Test
    void aUnixDomainPeerThatHadClosedIsNotDescribedByATcpState() throws Exception {
        ConnectionTracker t = tracker(0);
        UnixDomainSocketAddress path = UnixDomainSocketAddress.of("/run/app.sock");
        inspector.peer = path;
        inspector.local = UnixDomainSocketAddress.of("");
        Object channel = new Object();
        t.connectStarted(channel, path, 0, API);
        t.connectEnded(channel, null);
        peerClosed = true;
        t.closing(channel);
        ConnectionState s = next();
        assertVerdict(s, Origin.PEER_FIN, Reason.EOF, "close");
        assertEquals("socket.peer_closed", s.events().get(0).name());
        assertEquals(Map.of(), s.events().get(0).attributes());
    }

    private void openAndDrop(ConnectionTracker t) {
        Object socket = connected(t);
        t.read(socket, 3, null);
    }

    private final class FakeInspector implements SocketInspector {
        volatile int threadsInIo;
        /** The sockets the JDK would call connected and open. */
        final java.util.Set<Object> connected = java.util.concurrent.ConcurrentHashMap.newKeySet();

        @Override
        public boolean isConnected(Object socket) {
            return connected.contains(socket);
        }

        volatile boolean closesOnInterrupt = true;

        @Override
        public boolean closesOnInterrupt() {
            return closesOnInterrupt;
        }

        volatile SocketAddress peer = PEER;
        volatile SocketAddress local = LOCAL;

        @Override
        public SocketAddress peer(Object socket) {
            return peer;
        }

        @Override
        public SocketAddress local(Object socket) {
            return local;
        }

        @Override
        public int threadsInIo(Object socket) {
            return threadsInIo;
        }

        /** Each call is a poll(2) on the real socket. */
        final AtomicInteger peerStateCalls = new AtomicInteger();

        @Override
        public PeerState peerState(Object socket, boolean mayTakeError) {
            peerStateCalls.incrementAndGet();
            if (kernelSays != null) {
                return kernelSays;
            }
            return peerClosed ? PeerState.FIN_RECEIVED : PeerState.OPEN;
        }
    }

    @Test
    void connectingAConnectedSocketAgainKeepsItsConnection() throws Exception {
        ConnectionTracker t = tracker(0);
        Object socket = connected(t);
        t.read(socket, 10, null);
        t.connectStarted(socket, new InetSocketAddress("elsewhere.example", 9090), 0, API);
        t.connectEnded(socket, new java.nio.channels.AlreadyConnectedException());
        t.read(socket, -1, null);
        t.closing(socket);
        ConnectionState s = next();
        assertEquals("localhost", s.requestedHost(), "the second connect must not replace the connection");
        assertEquals(10, s.bytesRead());
        assertVerdict(s, Origin.PEER_FIN, Reason.EOF, "read");
        assertEquals(null, ended.poll(300, TimeUnit.MILLISECONDS), "one connection, one span");
    }
}
