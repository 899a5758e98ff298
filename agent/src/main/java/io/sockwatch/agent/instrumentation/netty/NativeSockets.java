package io.sockwatch.agent.instrumentation.netty;

import io.sockwatch.agent.tracker.ConnectionTracker;
import io.sockwatch.bootstrap.AsyncSignals;
import io.sockwatch.bootstrap.NativeSignals;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns what Netty's native sockets report into the tracker's signals: names each connection's transport, keeps
 * datagram sockets out, gives Unix domain addresses the JDK's form, pairs an accept, which returns a bare
 * descriptor, with the socket object the same thread builds around that descriptor next, and reads io_uring's
 * completions (a result per
 * operation) as the reads, writes, connects and accepts they complete.
 */
final class NativeSockets implements NativeSignals {

    /** An accepted descriptor whose socket object its thread has not built yet. */
    private record PendingAccept(Object listener, int fd) {
    }

    /** Linux errno values (asm-generic/errno.h) of io_uring results that are not a connection's news. */
    private static final int EAGAIN = 11;
    private static final int ENOBUFS = 105;
    private static final int EALREADY = 114;
    private static final int EINPROGRESS = 115;
    private static final int ECANCELED = 125;

    private final ConnectionTracker tracker;
    private final NettySocketInspector inspector;
    private final Map<Thread, PendingAccept> pendingAccepts = new ConcurrentHashMap<>();

    NativeSockets(ConnectionTracker tracker, NettySocketInspector inspector) {
        this.tracker = tracker;
        this.inspector = inspector;
    }

    /** A TCP connect, or a Unix domain one (Netty's DomainSocketAddress, passed on as the JDK's). */
    @Override
    public void connectStarted(Object socket, Object remote) {
        NettyTransport transport = NettyTransport.of(socket);
        Object to = remote instanceof InetSocketAddress ? remote : NettySocketInspector.unixAddress(remote);
        if (transport != null && to != null && inspector.isStream(socket)) {
            tracker.asyncConnectStarted(socket, to, transport.api());
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
        Thread thread = Thread.currentThread();
        PendingAccept pending = pendingAccepts.get(thread);
        if (pending == null) {
            return;
        }
        if (pending.fd() != fd) {
            pendingAccepts.remove(thread, pending); // the accepted descriptor's socket was never built
            return;
        }
        NettyTransport transport = NettyTransport.of(socket);
        if (transport == null) {
            // Netty's plain unix Socket (epoll's accepted Unix domain sockets): the channel wraps the same
            // descriptor again, in its transport's own class, next; that one is read, written and closed.
            return;
        }
        pendingAccepts.remove(thread, pending);
        tracker.acceptEnded(pending.listener(), socket, null, transport.api());
    }

    @Override
    public void childBuilt(Object parent, Object socket) {
        NettyTransport transport = NettyTransport.of(socket);
        Object listener;
        try {
            listener = IoUringChannels.socketOf(parent);
        } catch (Throwable unreadable) {
            listener = parent;
        }
        if (transport != null) {
            tracker.acceptEnded(listener == null ? parent : listener, socket, null, transport.api());
        }
    }

    /**
     * An io_uring completion of {@code channel}'s {@code operation}. Results that are no news are dropped: a
     * cancellation (Netty cancels what is pending when it closes), "try again", and a buffer ring that ran dry.
     */
    @Override
    public void completed(Object channel, int operation, int result) {
        Object socket;
        try {
            socket = IoUringChannels.socketOf(channel);
        } catch (Throwable unreadable) {
            return;
        }
        if (socket == null) {
            return;
        }
        if (result < 0 && (result == -ECANCELED || result == -EAGAIN || result == -ENOBUFS)) {
            return;
        }
        switch (operation) {
            case AsyncSignals.READ -> {
                if (result > 0) {
                    tracker.read(socket, result, null);
                } else if (result == 0) {
                    tracker.read(socket, -1, null); // end of stream
                } else {
                    tracker.read(socket, 0, IoUringChannels.failure(channel, "io_uring read", result, false));
                }
            }
            case AsyncSignals.WRITE -> {
                if (result > 0) {
                    tracker.write(socket, result, null);
                } else if (result < 0) {
                    tracker.write(socket, 0, IoUringChannels.failure(channel, "io_uring write", result, false));
                }
            }
            case AsyncSignals.CONNECT -> {
                if (result == 0) {
                    tracker.connectEnded(socket, null);
                } else if (result != -EINPROGRESS && result != -EALREADY) {
                    tracker.connectEnded(socket, IoUringChannels.failure(channel, "io_uring connect", result, true));
                }
            }
            case AsyncSignals.ACCEPT -> {
                // An accepted descriptor becomes a connection when its channel is built (childBuilt).
                if (result < 0) {
                    accepted(socket, -1, IoUringChannels.failure(channel, "io_uring accept", result, false));
                }
            }
            default -> {
            }
        }
    }
}
