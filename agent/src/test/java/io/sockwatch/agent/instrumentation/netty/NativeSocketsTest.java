package io.sockwatch.agent.instrumentation.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.sockwatch.agent.classify.Origin;
import io.sockwatch.agent.classify.Reason;
import io.sockwatch.agent.tracker.ConnectionState;
import io.sockwatch.agent.tracker.ConnectionTracker;
import io.sockwatch.agent.tracker.PeerFilter;
import io.sockwatch.agent.tracker.TrackerSettings;
import io.sockwatch.bootstrap.AsyncSignals;
import io.sockwatch.fixture.shaded.io.netty.channel.uring.AbstractIoUringChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * io_uring's completions as the tracker's signals, on a channel that stands for a shaded Netty with no {@code Errors}
 * class beside it (so failures are {@link IoUringFailure}s, classified by their errno).
 */
class NativeSocketsTest {

    private static final InetSocketAddress PEER = new InetSocketAddress(InetAddress.getLoopbackAddress(), 8080);

    private final LinkedBlockingQueue<ConnectionState> ended = new LinkedBlockingQueue<>();
    private final ConnectionTracker tracker = new ConnectionTracker(new TrackerSettings(false, false, 3, 0, 16,
            PeerFilter.parse(List.of(), new ArrayList<>()), false, Long.MAX_VALUE, false), ended::add);
    private final NettySocketInspector inspector = new NettySocketInspector();
    private final NativeSockets sockets = new NativeSockets(tracker, inspector);
    private final Object socket = new Object();
    private final Object channel = new AbstractIoUringChannel(socket);

    NativeSocketsTest() {
        tracker.registerInspector(NettyTransport.IO_URING.api(), inspector);
        tracker.start(() -> { }, () -> new Object[0]);
    }

    @AfterEach
    void stop() {
        tracker.shutdown();
    }

    private void connecting() {
        tracker.asyncConnectStarted(socket, PEER, NettyTransport.IO_URING.api());
    }

    private ConnectionState next() throws InterruptedException {
        ConnectionState s = ended.poll(5, TimeUnit.SECONDS);
        assertNotNull(s, "no connection ended");
        return s;
    }

    @Test
    void bytesThenEndOfStreamIsThePeersFin() throws Exception {
        connecting();
        sockets.completed(channel, AsyncSignals.CONNECT, -115); // EINPROGRESS: still connecting
        sockets.completed(channel, AsyncSignals.CONNECT, 0);
        sockets.completed(channel, AsyncSignals.WRITE, 32);
        sockets.completed(channel, AsyncSignals.READ, 64);
        sockets.completed(channel, AsyncSignals.READ, -125); // ECANCELED: Netty cancelling, no news
        sockets.completed(channel, AsyncSignals.READ, 0);
        tracker.closing(socket);
        ConnectionState s = next();
        assertEquals(Origin.PEER_FIN, s.verdict().origin());
        assertEquals(Reason.EOF, s.verdict().reason());
        assertEquals("read", s.verdict().detectedBy().detectedBy());
        assertEquals(64, s.bytesRead());
        assertEquals(32, s.bytesWritten());
    }

    @Test
    void aNegativeResultIsClassifiedByItsErrno() throws Exception {
        connecting();
        sockets.completed(channel, AsyncSignals.CONNECT, 0);
        sockets.completed(channel, AsyncSignals.READ, -104); // ECONNRESET
        tracker.closing(socket);
        ConnectionState s = next();
        assertEquals(Origin.PEER_RST, s.verdict().origin());
        assertEquals(Reason.RESET, s.verdict().reason());
        assertEquals(IoUringFailure.class.getName(), s.verdict().errorType());
    }

    @Test
    void aRefusedConnectEndsTheAttempt() throws Exception {
        connecting();
        sockets.completed(channel, AsyncSignals.CONNECT, -111); // ECONNREFUSED
        ConnectionState s = next();
        assertEquals(Origin.PEER_RST, s.verdict().origin());
        assertEquals(Reason.REFUSED, s.verdict().reason());
        assertEquals("connect", s.verdict().detectedBy().detectedBy());
    }

    @Test
    void aWriteAfterThePeersCloseIsABrokenPipe() throws Exception {
        connecting();
        sockets.completed(channel, AsyncSignals.CONNECT, 0);
        sockets.completed(channel, AsyncSignals.WRITE, -32); // EPIPE
        tracker.closing(socket);
        ConnectionState s = next();
        assertEquals(Origin.PEER_FIN, s.verdict().origin());
        assertEquals(Reason.BROKEN_PIPE, s.verdict().reason());
    }

    @Test
    void completionsOfAnUntrackedChannelAreIgnored() {
        Object other = new AbstractIoUringChannel(new Object());
        sockets.completed(other, AsyncSignals.READ, 64);
        sockets.completed(other, AsyncSignals.READ, 0);
        sockets.completed(new Object(), AsyncSignals.READ, 64); // not an io_uring channel at all
        assertNull(ended.poll());
    }
}
