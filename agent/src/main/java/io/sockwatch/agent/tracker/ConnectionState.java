package io.sockwatch.agent.tracker;

import io.sockwatch.agent.classify.Verdict;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Everything sockwatch knows about one connection.
 *
 * <p>Byte counters and the last-I/O time are plain fields written on the hot path by the thread doing the I/O
 * (the JDK serializes reads, and writes, of one socket); they are read once I/O has stopped, at the end.
 * Everything else changes on rare signals, under this object's monitor.
 */
public final class ConnectionState {

    static final int MAX_EVENTS = 32;

    private final String api;
    private final Role role;
    private final long startNanos;
    private final String requestedHost;
    private final int requestedPort;

    // Hot path: single writer per direction, no synchronization.
    long bytesRead;
    long bytesWritten;
    /** The last successful read or write, by the {@link CoarseClock}. */
    long lastIoNanos;
    /** The last successful write, by the {@link CoarseClock}, or 0: a peer FIN found soon after it answered it. */
    long lastWriteNanos;

    // Rare signals, guarded by this. Tens of thousands of idle connections may be tracked, so what only an ending
    // or TLS needs lives in objects made when it happens.
    /** Made at the first signal that may end the connection; null while nothing but I/O happened. */
    private EndingStateMachine ending;
    /** The {@link #lastIoNanos} of the idle gap last checked for stale reuse: one check per gap. */
    long staleCheckedFor = -1;
    /** Opened before a runtime attach: seen for the first time mid-life. */
    boolean firstSeenMidLife;
    // Addresses as the InetAddress the socket already holds plus a port, not as a fresh InetSocketAddress each.
    // A Unix domain address is kept as given.
    private Object peerAddress;
    private int peerPort;
    private Object localAddress;
    private int localPort;
    /** The thread inside connect/finishConnect while a connect is pending; null once it is not pending. */
    Thread connectingThread;
    /** When the connect succeeded or failed (CLIENT), 0 while it is pending or for an accepted connection. */
    long connectEndNanos;
    /** Written and read by the export thread only: its opening was counted in the open connections. */
    private boolean countedOpen;
    /** TLS on this connection, made when a TLS layer was seen over it; null for plain TCP. */
    private TlsDetails tls;
    /**
     * The fingerprint of the TLS hello this connection read first, or 0 (see {@link TlsHellos}); written under the
     * TLS index's lock, which never nests the connection's monitor, so not in {@link TlsDetails}.
     */
    volatile long helloFingerprint;
    private List<ConnectionEvent> events;
    private int droppedEvents;
    /** The application's span current at connect or accept (opaque, see {@link ApplicationTraces}), or null. */
    Object openedIn;

    /** Set by the table: its entry, by which the tracker drops the connection without holding the socket. */
    ConnectionTable.Ref tableRef;
    /** The socket's identity hash, as the table placed it (kept here, in what is otherwise padding). */
    int tableHash;

    ConnectionState(String api, Role role, long startNanos, String requestedHost, int requestedPort) {
        this.api = api;
        this.role = role;
        this.startNanos = startNanos;
        this.lastIoNanos = startNanos;
        this.requestedHost = requestedHost;
        this.requestedPort = requestedPort;
    }

    synchronized void addEvent(String name, long nanoTime, Map<String, Object> attributes) {
        if (events == null) {
            events = new ArrayList<>(4);
        }
        if (events.size() >= MAX_EVENTS) {
            droppedEvents++;
            return;
        }
        events.add(new ConnectionEvent(name, AgentClock.epochNanos(nanoTime), attributes));
    }

    public String api() {
        return api;
    }

    public Role role() {
        return role;
    }

    public long startEpochNanos() {
        return AgentClock.epochNanos(startNanos);
    }

    public synchronized long endEpochNanos() {
        return AgentClock.epochNanos(ending == null ? 0 : ending.endNanos);
    }

    /** The host the application asked to connect to (CLIENT only), as it gave it. */
    public String requestedHost() {
        return requestedHost;
    }

    public int requestedPort() {
        return requestedPort;
    }

    public synchronized SocketAddress peer() {
        return expand(peerAddress, peerPort);
    }

    public synchronized SocketAddress local() {
        return expand(localAddress, localPort);
    }

    synchronized void setPeer(SocketAddress address) {
        peerAddress = compact(address, false);
        peerPort = address instanceof InetSocketAddress isa ? isa.getPort() : 0;
    }

    synchronized void setLocal(SocketAddress address) {
        localAddress = compact(address, true);
        localPort = address instanceof InetSocketAddress isa ? isa.getPort() : 0;
    }

    /** Whether either end is a Unix domain socket (no TCP state to name), asked without building an address. */
    public synchronized boolean isUnixDomain() {
        return peerAddress instanceof UnixDomainSocketAddress || localAddress instanceof UnixDomainSocketAddress;
    }

    /** The local port, 0 when unknown or not an internet socket; without building an address. */
    public synchronized int localPort() {
        return localPort;
    }

    synchronized boolean hasLocal() {
        return localAddress != null;
    }

    private static Object compact(SocketAddress address, boolean shared) {
        if (address instanceof InetSocketAddress isa) {
            InetAddress ip = isa.getAddress();
            if (ip == null) {
                return isa; // unresolved: keep the name as given
            }
            // A socket's local address is a fresh object per query, but there are only a few distinct ones.
            return shared ? LocalAddresses.intern(ip) : ip;
        }
        return address;
    }

    private static SocketAddress expand(Object address, int port) {
        if (address instanceof InetAddress ip) {
            return new InetSocketAddress(ip, port);
        }
        return (SocketAddress) address;
    }

    /** How long the connect took, in nanoseconds; -1 for an accepted connection or a connect never answered. */
    public synchronized long connectNanos() {
        return connectEndNanos == 0 ? -1 : Math.max(0, connectEndNanos - startNanos);
    }

    /** Connect or accept to the end, in nanoseconds. */
    public synchronized long durationNanos() {
        return Math.max(0, endOrClose() - startNanos);
    }

    /** When this process closed the socket, else when the connection was handed over as ended; 0 while open. */
    private long endOrClose() {
        if (ending == null) {
            return 0;
        }
        return ending.closeNanos != 0 ? ending.closeNanos : ending.endNanos;
    }

    /** For the export thread only, which alone calls these: whether this connection's opening was counted. */
    public boolean countedOpen() {
        return countedOpen;
    }

    public void countOpen(boolean counted) {
        this.countedOpen = counted;
    }

    public long bytesRead() {
        return bytesRead;
    }

    public long bytesWritten() {
        return bytesWritten;
    }

    /** Time from the last successful read or write (or from the start) to the end of the connection. */
    public synchronized long idleMillis() {
        long end = endOrClose();
        return Math.max(0, (end - lastIoNanos) / 1_000_000L);
    }

    /** The verdict; null only if the connection never ended (never the case once it is handed to a listener). */
    public synchronized Verdict verdict() {
        return ending == null ? null : ending.verdict();
    }

    /** The span's {@code error.type} if its status is ERROR, else null: see {@link Verdict#statusErrorType}. */
    public synchronized String statusErrorType() {
        Verdict v = verdict();
        return v == null ? null : v.statusErrorType(ending.laterException());
    }

    /** The ending's state machine, made now if this is the first signal that may end the connection. Under this. */
    EndingStateMachine ending() {
        EndingStateMachine e = ending;
        if (e == null) {
            e = new EndingStateMachine();
            ending = e;
        }
        return e;
    }

    // Questions about the ending that must not make one. Under this object's monitor.

    boolean isEndingDecided() {
        return ending != null && ending.isDecided();
    }

    /** This process called close() on the socket. */
    boolean isClosedHere() {
        return ending != null && ending.isClosed();
    }

    boolean isInputShutdown() {
        return ending != null && ending.isInputShutdown();
    }

    /** The connection was handed over as ended. */
    boolean isEnded() {
        return ending != null && ending.endNanos != 0;
    }

    /**
     * The signal that decided the ending came on this thread, where {@code applicationSpan} (or null) was current:
     * the request that suffered it. Under this object's monitor.
     */
    void endingDetected(Object applicationSpan, long now) {
        EndingStateMachine e = ending();
        e.endedIn = applicationSpan;
        e.endedInNanos = now;
    }

    /** Opened before a runtime attach: start, bytes and idle time count from when sockwatch first saw it. */
    public synchronized boolean firstSeenMidLife() {
        return firstSeenMidLife;
    }

    /** Whether a TLS layer was seen over this connection. */
    public synchronized boolean isTls() {
        return tls != null;
    }

    /** The TLS layer seen over this connection, made now if this is its first signal. Under this object's monitor. */
    TlsDetails tls() {
        TlsDetails t = tls;
        if (t == null) {
            t = new TlsDetails();
            tls = t;
        }
        return t;
    }

    /** The negotiated TLS protocol (such as TLSv1.3), or null. */
    public synchronized String tlsProtocol() {
        return tls == null ? null : tls.protocol;
    }

    /** True, false, or null when no handshake was seen to end. */
    public synchronized Boolean tlsEstablished() {
        return tls == null ? null : tls.established;
    }

    public synchronized String tlsHandshakeError() {
        return tls == null ? null : tls.handshakeError;
    }

    public synchronized boolean tlsCloseNotifyReceived() {
        return tls != null && tls.closeNotifyReceived;
    }

    public synchronized List<ConnectionEvent> events() {
        return events == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(events));
    }

    /** The application's span current when the connection was opened, or null. */
    public synchronized Object openedIn() {
        return openedIn;
    }

    /** The application's span current on the thread that detected the ending, or null. */
    public synchronized Object endedIn() {
        return ending == null ? null : ending.endedIn;
    }

    public synchronized long endedInEpochNanos() {
        return AgentClock.epochNanos(ending == null ? 0 : ending.endedInNanos);
    }

    public synchronized int droppedEvents() {
        return droppedEvents;
    }
}
