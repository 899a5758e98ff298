package io.sockwatch.agent.instrumentation.netty;

import io.sockwatch.agent.tracker.ConnectionTracker;
import io.sockwatch.bootstrap.NativeSignals;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns what Netty's native sockets report into the tracker's signals: names each connection's transport, keeps
 * datagram sockets and Unix domain sockets out, and pairs an accept, which returns a bare descriptor, with the
 * socket object the same thread builds around that descriptor next.
 */
final class NativeSockets implements NativeSignals {

    /** An accepted descriptor whose socket object its thread has not built yet. */
    private record PendingAccept(Object listener, int fd) {
    }

    private final ConnectionTracker tracker;
    private final NettySocketInspector inspector;
    private final Map<Thread, PendingAccept> pendingAccepts = new ConcurrentHashMap<>();

    NativeSockets(ConnectionTracker tracker, NettySocketInspector inspector) {
        this.tracker = tracker;
        this.inspector = inspector;
    }

    @Override
    public void connectStarted(Object socket, Object remote) {
        NettyTransport transport = NettyTransport.of(socket);
        // Unix domain sockets (Netty's own DomainSocketAddress) are not observed on this path.
        if (transport != null && remote instanceof InetSocketAddress && inspector.isStream(socket)) {
            tracker.asyncConnectStarted(socket, remote, transport.api());
        }
    }

    @Override
    public void accepted(Object listener, int fd, Throwable failure) {
        NettyTransport transport = NettyTransport.of(listener);
        if (transport == null) {
            return;
        }
        if (failure != null) {
            tracker.acceptEnded(listener, null, failure, transport.api());
        } else {
            pendingAccepts.put(Thread.currentThread(), new PendingAccept(listener, fd));
        }
    }

    @Override
    public void socketCreated(Object socket, int fd) {
        if (pendingAccepts.isEmpty()) {
            return;
        }
        PendingAccept pending = pendingAccepts.remove(Thread.currentThread());
        NettyTransport transport = NettyTransport.of(socket);
        if (pending == null || pending.fd() != fd || transport == null) {
            return; // another socket (a listener, a datagram socket), or the accept's socket was never built
        }
        if (inspector.peer(socket) != null) { // null for a Unix domain socket: not observed
            tracker.acceptEnded(pending.listener(), socket, null, transport.api());
        }
    }

    @Override
    public void completed(Object socket, int operation, int result) {
    }
}
