package io.sockwatch.agent.tracker;

import io.sockwatch.bootstrap.SocketSignals;
import java.nio.ByteBuffer;

/**
 * The tracker: the one object the bridge forwards every socket signal to, and what the agent starts, configures
 * and stops. It holds no logic of its own; each signal goes, on the thread that reported it, to the part that owns
 * it:
 * <ul>
 *   <li>{@link ConnectionOpenings}: connect and accept;</li>
 *   <li>{@link ConnectionSignals}: read, write, shutdown, close, under the connection's monitor;</li>
 *   <li>{@link TlsLinks}: the TLS layer over a connection, and which connection an SSLEngine runs over;</li>
 *   <li>{@link ConnectionEnder}: ending each connection once (grace period, leaks, process exit) on
 *       {@code sockwatch-lifecycle}, and handing it to the {@link ConnectionListener}.</li>
 * </ul>
 */
public final class ConnectionTracker implements SocketSignals {

    /** With the stale-reuse check off, a close this soon after our last write still makes a peer FIN its answer. */
    private static final long DEFAULT_GOODBYE_NANOS = 1_000_000_000L;

    private final Inspectors inspectors;
    private final TlsLinks tls;
    private final ConnectionEnder ender;
    private final ConnectionOpenings openings;
    private final ConnectionSignals connections;

    public ConnectionTracker(TrackerSettings settings, ConnectionListener listener) {
        this(settings, listener, ApplicationTraces.NONE);
    }

    public ConnectionTracker(TrackerSettings settings, ConnectionListener listener, ApplicationTraces traces) {
        ConnectionTable table = new ConnectionTable();
        inspectors = new Inspectors(table);
        PeerCheck peerCheck = new PeerCheck(settings.peerCheck(),
                settings.reuseIdleNanos() == Long.MAX_VALUE ? DEFAULT_GOODBYE_NANOS : settings.reuseIdleNanos(),
                inspectors);
        tls = new TlsLinks(inspectors);
        ender = new ConnectionEnder(settings, table, tls, peerCheck, listener);
        MidLife midLife = new MidLife(settings.adoptMidLife(), table, inspectors, settings.excluded());
        openings = new ConnectionOpenings(settings, table, inspectors, ender, midLife, traces);
        connections = new ConnectionSignals(settings, table, inspectors, tls, peerCheck, ender, midLife, traces);
    }

    /** Registers how to read addresses from the socket objects of {@code api}. */
    public void registerInspector(String api, SocketInspector inspector) {
        inspectors.register(api, inspector);
    }

    /** Registers how to find the connection under a TLS socket. */
    public void registerTlsInspector(TlsInspector inspector) {
        tls.register(inspector);
    }

    /** The TransportContext signals are woven in: SSLEngines may now be linked (see {@link TlsLinks}). */
    public void tlsContextObserved() {
        tls.contextObserved();
    }

    /**
     * Starts the {@code sockwatch-lifecycle} thread, which first warms up the close path: the tracker's part, the
     * inspectors' on {@code samples} (unconnected sockets of each API), then {@code instrumentationWarmUp} (the
     * kernel calls the inspectors make). Call it once the inspectors are registered.
     */
    public void start(Runnable instrumentationWarmUp, java.util.function.Supplier<Object[]> samples) {
        start(() -> { }, instrumentationWarmUp, samples);
    }

    /**
     * @param beforeWarmUp runs first on the lifecycle thread, and may wait: the warm-up follows only if the tracker
     *                     is not stopping by then (a program that ended first has no close to warm up for)
     */
    public void start(Runnable beforeWarmUp, Runnable instrumentationWarmUp,
                      java.util.function.Supplier<Object[]> samples) {
        CoarseClock.start();
        ender.start(() -> {
            beforeWarmUp.run();
            if (ender.isStopped()) {
                return;
            }
            connections.warmUp();
            inspectors.warmUp(samples.get());
            instrumentationWarmUp.run();
        });
    }

    /** At process exit: ends every connection, closed or still open, and hands it on. */
    public void shutdown() {
        ender.shutdown();
    }

    /** Closed connections that ended at once because the grace queue was full. */
    public long droppedGracePeriods() {
        return ender.droppedGracePeriods();
    }

    /** Failures inside the tracker (or its listener) that it survived. */
    public long internalErrors() {
        return ender.internalErrors();
    }

    // ---- SocketSignals: one forward each ----------------------------------------------------------------------

    @Override
    public void connectStarted(Object socket, Object remote, int timeoutMillis, String api) {
        openings.connectStarted(socket, remote, api);
    }

    @Override
    public void asyncConnectStarted(Object channel, Object remote, String api) {
        openings.asyncConnectStarted(channel, remote, api);
    }

    @Override
    public void connectEnded(Object socket, Throwable failure) {
        openings.connectEnded(socket, failure);
    }

    @Override
    public void acceptEnded(Object listener, Object socket, Throwable failure, String api) {
        openings.acceptEnded(listener, socket, failure, api);
    }

    @Override
    public void read(Object socket, long n, Throwable failure) {
        connections.read(socket, n, failure);
    }

    @Override
    public void readInto(Object socket, long n, Throwable failure, ByteBuffer dst) {
        connections.readInto(socket, n, failure, dst);
    }

    @Override
    public void writing(Object socket) {
        connections.writing(socket);
    }

    @Override
    public void write(Object socket, long n, Throwable failure) {
        connections.write(socket, n, failure);
    }

    @Override
    public void closing(Object socket) {
        connections.closing(socket);
    }

    @Override
    public void shuttingDownInput(Object socket) {
        connections.shuttingDownInput(socket);
    }

    @Override
    public void shutdown(Object socket, boolean input, Throwable failure) {
        connections.shutdown(socket, input, failure);
    }

    @Override
    public void tlsHandshakeEnded(Object sslSocket, Throwable failure) {
        tls.handshakeEnded(sslSocket, failure);
    }

    @Override
    public void tlsInboundClosed(Object transport, boolean closeNotifyReceived) {
        tls.inboundClosed(transport, closeNotifyReceived);
    }

    @Override
    public void tlsUnwrapping(Object engine, ByteBuffer[] srcs, int offset, int length) {
        tls.unwrapping(engine, srcs, offset, length);
    }

    @Override
    public void tlsHandshakeFinished(Object transport, Object session) {
        tls.handshakeFinished(transport, session);
    }

    @Override
    public void tlsFatal(Object transport, boolean negotiated, Throwable failure) {
        tls.fatal(transport, negotiated, failure);
    }
}
