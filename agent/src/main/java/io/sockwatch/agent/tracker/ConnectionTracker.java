package io.sockwatch.agent.tracker;

import io.sockwatch.agent.classify.Failure;
import io.sockwatch.agent.classify.FailureTable;
import io.sockwatch.agent.classify.Operation;
import io.sockwatch.agent.tracker.EndingStateMachine.Effect;
import io.sockwatch.bootstrap.SocketSignals;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;

/**
 * Keeps per-connection state for every tracked socket, orders its signals, and hands each ended connection to
 * the {@link ConnectionListener}.
 *
 * <p>Reads and writes that make progress touch only two plain fields of the state. Everything rarer (end of
 * stream, failures, shutdown, close) is recorded under the state's monitor. A closed connection stays in the
 * table for a grace period so that late signals (a thread woken by the close, use after close) land on it;
 * a single daemon thread then ends it, and reports sockets that were collected without close() as leaked.
 */
public final class ConnectionTracker implements SocketSignals {

    private final TrackerSettings settings;
    private final ConnectionListener listener;
    private final ConnectionTable table = new ConnectionTable();
    private final Map<String, SocketInspector> inspectors = new ConcurrentHashMap<>();
    private final ArrayBlockingQueue<ConnectionState> closing;
    private final AtomicLong droppedGrace = new AtomicLong();
    private final AtomicLong internalErrors = new AtomicLong();
    private final Thread lifecycle;
    private final EventAttributes events;
    private volatile boolean stopped;

    public ConnectionTracker(TrackerSettings settings, ConnectionListener listener) {
        this.settings = settings;
        this.listener = listener;
        this.closing = new ArrayBlockingQueue<>(Math.max(1, settings.maxPending()));
        this.lifecycle = new Thread(this::runLifecycle, "sockwatch-lifecycle");
        this.lifecycle.setDaemon(true);
        this.events = new EventAttributes(settings.callSiteDepth());
    }

    private volatile TlsInspector tlsInspector;
    private volatile boolean tlsContextObserved;
    /** Connections whose first read was a TLS hello, until an SSLEngine claims theirs or they end. */
    private final TlsHellos hellos = new TlsHellos();
    /** SSLEngine to the connection it runs over; engines are held weakly, and compared by identity. */
    private final Map<Object, ConnectionState> engines = new WeakHashMap<>();

    /** Registers how to find the connection under a TLS socket. */
    public void registerTlsInspector(TlsInspector inspector) {
        tlsInspector = inspector;
    }

    /** Registers how to read addresses from the socket objects of {@code api}. */
    public void registerInspector(String api, SocketInspector inspector) {
        inspectors.put(api, inspector);
    }

    public void start() {
        lifecycle.start();
    }

    /** Set while the agent's own code runs on a thread (export): connections it opens are not observed. */
    // ---- signals from the bridge --------------------------------------------------------------------------

    /**
     * A connect starts; {@code remote == null} means a pending non-blocking connect continues (finishConnect) on
     * the current thread.
     */
    @Override
    public void connectStarted(Object socket, Object remote, int timeoutMillis, String api) {
        if (remote == null) {
            ConnectionState pending = table.get(socket);
            if (pending != null) {
                synchronized (pending) {
                    if (pending.connectingThread != null) { // a connect is pending
                        pending.connectingThread = Thread.currentThread();
                    }
                }
            }
            return;
        }
        startConnect(socket, remote, api, Thread.currentThread());
    }

    /**
     * Stands for the connecting thread of an asynchronous connect, which no thread waits in (the JDK completes it
     * wherever its event handling runs): never the current thread, so any close is the application's; and not
     * null, which is what a connect that is no longer pending has.
     */
    private static final Thread NO_THREAD = new Thread("sockwatch: no thread waits in an asynchronous connect");

    @Override
    public void asyncConnectStarted(Object channel, Object remote, String api) {
        if (remote != null) {
            startConnect(channel, remote, api, NO_THREAD);
        }
    }

    private void startConnect(Object socket, Object remote, String api, Thread connecting) {
        if (stopped || AgentWork.isActive()) {
            return;
        }
        if (table.get(socket) != null) {
            // connect() on a socket that is connected, connecting or closed fails (AlreadyConnectedException,
            // ConnectionPendingException, "Already connected", "Socket is closed") without touching the
            // connection: its span goes on. A connect that failed has already ended and left the table.
            return;
        }
        String host = null;
        int port = 0;
        SocketAddress peer = null;
        if (remote instanceof InetSocketAddress isa) {
            host = isa.getHostString();
            port = isa.getPort();
            peer = isa.isUnresolved() ? null : isa;
            if (settings.excluded().excludes(host, isa.getAddress(), port)) {
                return;
            }
        } else if (remote instanceof UnixDomainSocketAddress path) {
            peer = path;
            host = path.getPath().toString(); // what the application asked for: the socket file
        } else if (remote instanceof SocketAddress other) {
            peer = other;
        }
        ConnectionState state = new ConnectionState(api, Role.CLIENT, System.nanoTime(), host, port);
        synchronized (state) {
            state.setPeer(peer);
            state.connectingThread = connecting;
            recordOpenSite(state);
        }
        table.put(socket, state);
    }

    @Override
    public void connectEnded(Object socket, Throwable failure) {
        ConnectionState state = table.get(socket);
        if (state == null) {
            return;
        }
        long now = System.nanoTime();
        boolean ended = false;
        synchronized (state) {
            if (state.connectingThread == null) {
                return; // finishConnect on a connected channel
            }
            state.connectingThread = null;
            state.lastIoNanos = now;
            if (failure == null) {
                fillAddresses(state, socket);
            } else {
                recordException(state, now, failure);
                Effect effect = state.ending.onFailure(Operation.CONNECT,
                        FailureTable.classify(Operation.CONNECT, failure), failure.getClass().getName());
                // The JDK closes a socket whose connect failed: the attempt is over.
                ended = effect == Effect.DECIDED || state.ending.isDecided();
            }
        }
        if (ended) {
            endNow(state, now);
        }
    }

    @Override
    public void acceptEnded(Object listenerSocket, Object socket, Throwable failure, String api) {
        if (stopped || AgentWork.isActive()) {
            return;
        }
        if (failure != null) {
            acceptFailed(listenerSocket, failure, api);
            return;
        }
        if (socket == null) {
            return;
        }
        SocketInspector inspector = inspectors.get(api);
        SocketAddress peer = inspector == null ? null : inspector.peer(socket);
        if (peer instanceof InetSocketAddress isa && settings.excluded().excludes(null, isa.getAddress(), isa.getPort())) {
            return;
        }
        ConnectionState state = new ConnectionState(api, Role.SERVER, System.nanoTime(), null, 0);
        synchronized (state) {
            state.setPeer(peer);
            state.setLocal(inspector == null ? null : inspector.local(socket));
            recordOpenSite(state);
        }
        table.put(socket, state);
    }

    /**
     * Before a local close (or the exit) decides: if the kernel has the peer's FIN waiting unread (CLOSE_WAIT) or a
     * reset pending, the peer ended the connection first: a dead pooled connection. One poll(2), no read.
     */
    private void checkPeerClosed(ConnectionState state, Object socket, long now) {
        if (!settings.peerCheck() || state.ending.isDecided() || state.ending.isInputShutdown() || socket == null) {
            return;
        }
        SocketInspector inspector = inspectors.get(state.api());
        PeerState peer = inspector == null ? PeerState.UNKNOWN : inspector.peerState(socket);
        // A Unix domain socket has no TCP state to name: the event alone says the peer had closed.
        boolean tcp = !(state.peer() instanceof UnixDomainSocketAddress
                || state.local() instanceof UnixDomainSocketAddress);
        if (peer == PeerState.FIN_RECEIVED) {
            state.ending.onPeerClosedBeforeClose();
            state.addEvent("socket.peer_closed", now, tcp ? Map.of("network.tcp.state", "close_wait") : Map.of());
        } else if (peer == PeerState.RESET_RECEIVED) {
            state.ending.onPeerResetBeforeClose();
            state.addEvent("socket.peer_closed", now, tcp ? Map.of("network.tcp.state", "reset") : Map.of());
        }
    }

    /** Where the application opened the connection, when sockwatch.open.callsite is on (leak hunting). */
    private void recordOpenSite(ConnectionState state) {
        if (settings.openCallSite()) {
            state.addEvent("socket.open", System.nanoTime(), events.onThisThread(true));
        }
    }

    /**
     * A failed accept ends no connection, but a listener closed under a blocked accept, or one that cannot accept
     * (out of file descriptors), is worth a report of its own. Accept timeouts are routine polling and are not.
     */
    private void acceptFailed(Object listenerSocket, Throwable failure, String api) {
        Failure f = FailureTable.classify(Operation.ACCEPT, failure);
        if (!f.terminal()) {
            return;
        }
        long now = System.nanoTime();
        ConnectionState state = new ConnectionState(api, Role.LISTENER, now, null, 0);
        synchronized (state) {
            SocketInspector inspector = inspectors.get(api);
            try {
                state.setLocal(inspector == null ? null : inspector.local(listenerSocket));
            } catch (RuntimeException notThisKind) {
                state.setLocal(null); // the inspector reads connections; a listener may not have those fields
            }
            state.ending.onFailure(Operation.ACCEPT, f, failure.getClass().getName());
            recordException(state, now, failure);
            state.addEvent("socket.accept_failed", now, events.onThisThread(false));
        }
        endNow(state, now);
    }

    @Override
    public void read(Object socket, long n, Throwable failure) {
        if (n > 0) {
            ConnectionState state = table.get(socket);
            if (state != null) {
                state.bytesRead += n;
                state.lastIoNanos = System.nanoTime();
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
    @Override
    public void readInto(Object socket, long n, Throwable failure, ByteBuffer dst) {
        if (n > 0) {
            ConnectionState state = table.get(socket);
            if (state != null) {
                long before = state.bytesRead;
                if (before == 0) {
                    firstBytesRead(state, dst, n);
                }
                state.bytesRead = before + n;
                state.lastIoNanos = System.nanoTime();
            }
            return;
        }
        if (n < 0 || failure != null) {
            rareRead(socket, n, failure);
        }
    }

    private void firstBytesRead(ConnectionState state, ByteBuffer dst, long n) {
        if (dst == null || n > Integer.MAX_VALUE) {
            return;
        }
        int end = dst.position();
        long fp = TlsHellos.fingerprint(dst, end - (int) n, end);
        if (fp != 0) {
            hellos.received(state, fp);
        }
    }

    @Override
    public void write(Object socket, long n, Throwable failure) {
        if (failure == null) {
            if (n > 0) {
                ConnectionState state = table.get(socket);
                if (state != null) {
                    state.bytesWritten += n;
                    state.lastIoNanos = System.nanoTime();
                }
            }
            return;
        }
        ConnectionState state = stateOfWrapped(socket);
        if (state != null) {
            onFailure(state, Operation.WRITE, failure, System.nanoTime());
        }
    }

    /** The state of {@code socket} or, on rare paths only, of the connection it wraps. */
    private ConnectionState stateOfWrapped(Object socket) {
        ConnectionState state = table.get(socket);
        if (state == null) {
            for (SocketInspector inspector : inspectors.values()) {
                Object inner = inspector.unwrap(socket);
                if (inner != null && (state = table.get(inner)) != null) {
                    break;
                }
            }
        }
        return state;
    }

    private void rareRead(Object socket, long n, Throwable failure) {
        ConnectionState state = stateOfWrapped(socket);
        if (state == null) {
            return;
        }
        long now = System.nanoTime();
        if (failure != null) {
            onFailure(state, Operation.READ, failure, now);
            return;
        }
        synchronized (state) {
            Effect effect = state.ending.onEndOfStream();
            if (!state.eofSeen) {
                state.eofSeen = true;
                // One event for the first end of stream; applications often read -1 repeatedly.
                state.addEvent("socket.eof", now, Map.of("socket.eof.after_local_shutdown",
                        effect == Effect.NOT_ENDING));
            }
        }
    }

    private void onFailure(ConnectionState state, Operation operation, Throwable failure, long now) {
        Failure f = FailureTable.classify(operation, failure);
        synchronized (state) {
            if (f.timeoutEvent()) {
                state.addEvent("socket.timeout", now, EventAttributes.timeout(operation, failure));
                if (!f.terminal()) {
                    // A socket read timeout leaves the socket usable (an asynchronous channel's does not): it is the
                    // ending only if the application then closes without progress in between.
                    state.lastTimeoutNanos = now;
                    return;
                }
            }
            recordException(state, now, failure);
            Effect effect = state.ending.onFailure(operation, f, failure.getClass().getName());
            if (effect == Effect.USE_AFTER_CLOSE) {
                Map<String, Object> attributes = events.onThisThread(settings.closeCallSite());
                attributes.put("socket.operation", operation.detectedBy());
                state.addEvent("socket.use_after_close", now, attributes);
            }
        }
    }

    @Override
    public void closing(Object socket) {
        ConnectionState state = table.get(socket);
        if (state == null) {
            return;
        }
        long now = System.nanoTime();
        synchronized (state) {
            if (state.connectingThread == Thread.currentThread()) {
                return; // The JDK closing a socket whose connect failed; connectEnded decides.
            }
            if (state.ending.isClosed()) {
                return; // close() is idempotent
            }
            if (!state.hasLocal()) {
                fillAddresses(state, socket); // last chance: the descriptor is still open
            }
            SocketInspector inspector = inspectors.get(state.api());
            checkPeerClosed(state, socket, now);
            int threadsInIo = inspector == null ? 0 : inspector.threadsInIo(socket);
            boolean interrupted = (inspector == null || inspector.closesOnInterrupt())
                    && Thread.currentThread().isInterrupted()
                    || (inspector != null && inspector.closedByInterrupt(socket));
            boolean timedOut = state.lastTimeoutNanos != 0 && state.lastTimeoutNanos > state.lastIoNanos;
            state.ending.onClose(threadsInIo, interrupted, timedOut);
            state.closeNanos = now;
            Map<String, Object> attributes = events.onThisThread(settings.closeCallSite());
            if (threadsInIo > 0) {
                attributes.put("socket.close.threads_in_io", (long) threadsInIo);
            }
            state.addEvent("socket.close", now, attributes);
        }
        if (settings.graceNanos() <= 0 || !closing.offer(state)) {
            if (settings.graceNanos() > 0) {
                droppedGrace.incrementAndGet();
            }
            endNow(state, now);
        }
    }

    @Override
    public void shuttingDownInput(Object socket) {
        ConnectionState state = table.get(socket);
        if (state != null) {
            synchronized (state) {
                state.ending.onShutdownInputStarting();
            }
        }
    }

    @Override
    public void shutdown(Object socket, boolean input, Throwable failure) {
        ConnectionState state = table.get(socket);
        if (state == null) {
            return;
        }
        long now = System.nanoTime();
        if (failure != null) {
            if (input) {
                synchronized (state) {
                    state.ending.onShutdownInputFailed();
                }
            }
            onFailure(state, Operation.SHUTDOWN, failure, now);
            return;
        }
        synchronized (state) {
            state.ending.onShutdown(input);
            state.addEvent("socket.shutdown", now, Map.of("socket.shutdown.direction", input ? "input" : "output"));
        }
    }

    // ---- TLS ------------------------------------------------------------------------------------------------

    private ConnectionState stateUnderTls(Object transport) {
        TlsInspector inspector = tlsInspector;
        Object connection = inspector == null ? null : inspector.connection(transport);
        return connection != null ? stateOfWrapped(connection) : engineState(transport);
    }

    /** The connection an SSLEngine was linked to, or null. */
    private ConnectionState engineState(Object engine) {
        synchronized (engines) {
            return engines.get(engine);
        }
    }

    /**
     * The TransportContext signals (handshake end, failure, close_notify) are woven in: only then is an SSLEngine
     * linked, so that a linked connection never lacks the rest of its TLS view.
     */
    public void tlsContextObserved() {
        tlsContextObserved = true;
    }

    @Override
    public void tlsHandshakeEnded(Object sslSocket, Throwable failure) {
        ConnectionState state = stateUnderTls(sslSocket);
        if (state == null) {
            return;
        }
        long now = System.nanoTime();
        String protocol = failure == null ? tlsInspector.protocol(sslSocket) : null;
        synchronized (state) {
            state.tls = true;
            if (failure == null) {
                state.tlsEstablished = Boolean.TRUE;
                state.tlsProtocol = protocol;
            } else {
                handshakeFailed(state, failure, now);
            }
        }
    }

    /** The first failure of a handshake is the one reported; what follows is the same failure rethrown. */
    private void handshakeFailed(ConnectionState state, Throwable failure, long now) {
        if (state.tlsEstablished == null) {
            state.tlsEstablished = Boolean.FALSE;
            state.tlsHandshakeError = failure.getClass().getName() + ": " + failure.getMessage();
            recordException(state, now, failure);
            state.addEvent("socket.tls.handshake_failed", now, Map.of());
        }
    }

    /**
     * An SSLEngine is about to unwrap a record. Anything but a plaintext hello returns after one byte is read; a
     * hello that one tracked connection, and only one, read first links the engine to that connection.
     */
    @Override
    public void tlsUnwrapping(Object engine, ByteBuffer[] srcs, int offset, int length) {
        if (!tlsContextObserved || srcs == null || offset < 0 || length <= 0 || offset > srcs.length - length) {
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
        synchronized (engines) {
            if (engines.containsKey(engine)) {
                return; // a renegotiation's hello, or the second ServerHello after a HelloRetryRequest
            }
        }
        ConnectionState state = hellos.claim(fp);
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
        synchronized (engines) {
            engines.put(engine, state);
        }
        synchronized (state) {
            state.tls = true;
        }
    }

    /** An SSLEngine's handshake completed (SSLSockets report theirs through {@link #tlsHandshakeEnded}). */
    @Override
    public void tlsHandshakeFinished(Object transport, Object session) {
        ConnectionState state = engineState(transport);
        if (state == null) {
            return;
        }
        String protocol = session instanceof SSLSession s ? s.getProtocol() : null;
        synchronized (state) {
            state.tls = true;
            state.tlsEstablished = Boolean.TRUE;
            state.tlsProtocol = protocol;
        }
    }

    /** A fatal TLS error on an SSLEngine; before the handshake completed, the handshake failed. */
    @Override
    public void tlsFatal(Object transport, boolean negotiated, Throwable failure) {
        if (negotiated || failure == null) {
            return;
        }
        ConnectionState state = engineState(transport);
        if (state == null) {
            return;
        }
        long now = System.nanoTime();
        synchronized (state) {
            state.tls = true;
            handshakeFailed(state, failure, now);
        }
    }

    /**
     * The peer's close_notify ends the TLS session before anything happens at the TCP layer (the TLS layer then
     * answers with its own close_notify and shuts the TCP output down): the peer ended the connection first.
     */
    @Override
    public void tlsInboundClosed(Object transport, boolean received) {
        ConnectionState state = stateUnderTls(transport);
        if (state == null) {
            return;
        }
        long now = System.nanoTime();
        synchronized (state) {
            state.tls = true;
            if (received && !state.tlsCloseNotifyReceived) {
                state.tlsCloseNotifyReceived = true;
                state.ending.onPeerClosedTls();
                state.addEvent("socket.tls.close_notify", now, Map.of("socket.tls.close_notify.direction", "received"));
            }
        }
    }

    // ---- ending -------------------------------------------------------------------------------------------

    private void recordException(ConnectionState state, long now, Throwable failure) {
        state.addEvent("exception", now, EventAttributes.exception(failure));
    }

    private void fillAddresses(ConnectionState state, Object socket) {
        SocketInspector inspector = inspectors.get(state.api());
        if (inspector == null) {
            return;
        }
        SocketAddress peer = inspector.peer(socket);
        if (peer != null) {
            state.setPeer(peer);
        }
        SocketAddress local = inspector.local(socket);
        if (local != null) {
            state.setLocal(local);
        }
    }

    /** Removes the connection from the table and hands it to the listener, exactly once. */
    private void endNow(ConnectionState state, long now) {
        synchronized (state) {
            if (state.endNanos != 0) {
                return;
            }
            state.endNanos = now;
        }
        table.remove(state);
        if (state.helloFingerprint != 0) {
            hellos.ended(state);
        }
        try {
            listener.connectionEnded(state);
        } catch (Throwable t) {
            internalErrors.incrementAndGet();
        }
    }

    private void runLifecycle() {
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

    /** Sockets the garbage collector found without close(): the JDK's cleaner has closed their descriptors. */
    private void endLeaked() {
        for (ConnectionState leaked : table.collected()) {
            long now = System.nanoTime();
            synchronized (leaked) {
                leaked.ending.onCollected();
                leaked.addEvent("socket.leaked", now, Map.of());
            }
            endNow(leaked, now);
        }
    }

    private void endDueClosings(long now, boolean all) {
        for (ConnectionState state; (state = closing.peek()) != null; ) {
            long closedAt;
            synchronized (state) {
                closedAt = state.closeNanos;
            }
            if (!all && now - closedAt < settings.graceNanos()) {
                return; // the queue is in close order: the rest are younger
            }
            closing.poll();
            endNow(state, closedAt);
        }
    }

    /**
     * Ends everything at process exit: closed connections without waiting for their grace period, and those
     * still open as closed by the exit.
     */
    public void shutdown() {
        stopped = true;
        lifecycle.interrupt();
        try {
            lifecycle.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        endDueClosings(System.nanoTime(), true);
        endLeaked(); // collected before exit: they leaked, the exit did not close them
        List<ConnectionState> open = new ArrayList<>(table.all());
        long now = System.nanoTime();
        for (ConnectionState state : open) {
            synchronized (state) {
                if (state.endNanos != 0) {
                    continue;
                }
                if (state.ending.isClosed()) {
                    endNow(state, state.closeNanos);
                    continue;
                }
                checkPeerClosed(state, state.tableRef == null ? null : state.tableRef.get(), now);
                state.ending.onProcessExit();
                state.addEvent("socket.process_exit", now, Map.of());
            }
            endNow(state, now);
        }
    }

    public long droppedGracePeriods() {
        return droppedGrace.get();
    }

    public long internalErrors() {
        return internalErrors.get();
    }
}
