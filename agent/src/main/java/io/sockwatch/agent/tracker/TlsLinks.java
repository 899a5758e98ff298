package io.sockwatch.agent.tracker;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.WeakHashMap;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;

/**
 * The TLS view of tracked connections: finds the connection under each TLS layer (an {@code SSLSocket} through its
 * inspector, an {@code SSLEngine} by the hello it unwraps, see {@link TlsHellos}) and records the TLS signals on it.
 *
 * <p>Its lock (this object) guards the two link indexes, the hellos and the engines, together. A connection's TLS
 * fields are recorded under the connection's monitor, never while this lock is held.
 */
final class TlsLinks {

    private final Inspectors inspectors;
    private volatile TlsInspector socketInspector;
    private volatile boolean contextObserved;
    /** Connections whose first read was a TLS hello, until an SSLEngine claims theirs or they end. */
    private final TlsHellos hellos = new TlsHellos();
    /** SSLEngine to the connection it runs over; engines are held weakly, and compared by identity. */
    private final Map<Object, ConnectionState> engines = new WeakHashMap<>();

    TlsLinks(Inspectors inspectors) {
        this.inspectors = inspectors;
    }

    /** How to find the connection under a TLS socket. */
    void register(TlsInspector inspector) {
        socketInspector = inspector;
    }

    /**
     * The TransportContext signals (handshake end, failure, close_notify) are woven in: only then is an SSLEngine
     * linked, so that a linked connection never lacks the rest of its TLS view.
     */
    void contextObserved() {
        contextObserved = true;
    }

    // ---- the hello index ----------------------------------------------------------------------------------------

    /**
     * A connection's first read put {@code n} bytes into {@code dst}, ending at its position: if they start with a TLS
     * hello, the connection is indexed by it. On the application's thread, once per connection.
     */
    void firstRead(ConnectionState state, ByteBuffer dst, long n) {
        if (dst == null || n > Integer.MAX_VALUE) {
            return;
        }
        int end = dst.position();
        long fp = TlsHellos.fingerprint(dst, end - (int) n, end);
        if (fp != 0) {
            synchronized (this) {
                hellos.received(state, fp);
            }
        }
    }

    /** The connection ended: its hello no longer names it. */
    synchronized void ended(ConnectionState state) {
        hellos.ended(state);
    }

    /**
     * An SSLEngine is about to unwrap a record. Anything but a plaintext hello returns after one byte is read; a
     * hello that one tracked connection, and only one, read first links the engine to that connection.
     */
    void unwrapping(Object engine, ByteBuffer[] srcs, int offset, int length) {
        if (!contextObserved || srcs == null || offset < 0 || length <= 0 || offset > srcs.length - length) {
            return;
        }
        for (int i = offset; i < offset + length; i++) {
            ByteBuffer src = srcs[i];
            if (src == null) {
                return;
            }
            int position = src.position();
            int limit = src.limit();
            if (position < limit) {
                if (src.get(position) == TlsHellos.HANDSHAKE) {
                    linkByHello(engine, TlsHellos.fingerprint(src, position, limit));
                }
                return;
            }
        }
    }

    private void linkByHello(Object engine, long fp) {
        if (fp == 0 || !(engine instanceof SSLEngine sslEngine)) {
            return;
        }
        ConnectionState state;
        synchronized (this) {
            if (engines.containsKey(engine)) {
                return; // a renegotiation's hello, or the second ServerHello after a HelloRetryRequest
            }
            state = hellos.claim(fp);
        }
        if (state == null) {
            return;
        }
        // The engine's idea of its peer, when the application gave it one (Jetty, the JDK HttpClient, Netty's
        // newHandler(alloc, host, port)), must not contradict the connection: if it does, nothing is linked.
        int peerPort = sslEngine.getPeerPort();
        SocketAddress peer = state.peer();
        if (peerPort > 0 && peer instanceof InetSocketAddress isa && isa.getPort() != peerPort) {
            return;
        }
        synchronized (this) {
            engines.put(engine, state);
        }
        synchronized (state) {
            state.tls();
        }
    }

    /** The connection an SSLEngine was linked to, or null. */
    private synchronized ConnectionState engineState(Object engine) {
        return engines.get(engine);
    }

    /** The connection under an SSLSocket, or under a linked SSLEngine; null when there is none. */
    private ConnectionState stateUnder(Object transport) {
        TlsInspector inspector = socketInspector;
        Object connection = inspector == null ? null : inspector.connection(transport);
        return connection != null ? inspectors.stateOfWrapped(connection) : engineState(transport);
    }

    // ---- TLS signals --------------------------------------------------------------------------------------------

    /** An SSLSocket's handshake ended ({@code failure} null when it succeeded). */
    void handshakeEnded(Object sslSocket, Throwable failure) {
        ConnectionState state = stateUnder(sslSocket);
        if (state == null) {
            return;
        }
        long now = System.nanoTime();
        String protocol = failure == null ? socketInspector.protocol(sslSocket) : null;
        synchronized (state) {
            TlsDetails tls = state.tls();
            if (failure == null) {
                tls.established = Boolean.TRUE;
                tls.protocol = protocol;
            } else {
                handshakeFailed(state, failure, now);
            }
        }
    }

    /** The first failure of a handshake is the one reported; what follows is the same failure rethrown. */
    private static void handshakeFailed(ConnectionState state, Throwable failure, long now) {
        TlsDetails tls = state.tls();
        if (tls.established == null) {
            tls.established = Boolean.FALSE;
            tls.handshakeError = failure.getClass().getName() + ": " + failure.getMessage();
            state.addEvent("exception", now, EventAttributes.exception(failure));
            state.addEvent("socket.tls.handshake_failed", now, Map.of());
        }
    }

    /** An SSLEngine's handshake completed (SSLSockets report theirs through {@link #handshakeEnded}). */
    void handshakeFinished(Object transport, Object session) {
        ConnectionState state = engineState(transport);
        if (state == null) {
            return;
        }
        String protocol = session instanceof SSLSession s ? s.getProtocol() : null;
        synchronized (state) {
            TlsDetails tls = state.tls();
            tls.established = Boolean.TRUE;
            tls.protocol = protocol;
        }
    }

    /** A fatal TLS error on an SSLEngine; before the handshake completed, the handshake failed. */
    void fatal(Object transport, boolean negotiated, Throwable failure) {
        if (negotiated || failure == null) {
            return;
        }
        ConnectionState state = engineState(transport);
        if (state == null) {
            return;
        }
        long now = System.nanoTime();
        synchronized (state) {
            state.tls();
            handshakeFailed(state, failure, now);
        }
    }

    /**
     * The peer's close_notify ends the TLS session before anything happens at the TCP layer (the TLS layer then
     * answers with its own close_notify and shuts the TCP output down): the peer ended the connection first.
     */
    void inboundClosed(Object transport, boolean received) {
        ConnectionState state = stateUnder(transport);
        if (state == null) {
            return;
        }
        long now = System.nanoTime();
        synchronized (state) {
            TlsDetails tls = state.tls();
            if (received && !tls.closeNotifyReceived) {
                tls.closeNotifyReceived = true;
                state.ending().onPeerClosedTls();
                state.addEvent("socket.tls.close_notify", now, Map.of("socket.tls.close_notify.direction", "received"));
            }
        }
    }
}
