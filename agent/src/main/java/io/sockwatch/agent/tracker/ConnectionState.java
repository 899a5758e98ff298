package io.sockwatch.agent.tracker;

import io.sockwatch.agent.classify.Verdict;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
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

    // Rare signals, guarded by this.
    final EndingStateMachine ending = new EndingStateMachine();
    /** Bytes moved when a read last timed out, or -1: a close without progress since is the timeout's ending. */
    long progressAtTimeout = -1;
    /** The {@link #lastIoNanos} of the idle gap last checked for stale reuse: one check per gap. */
    long staleCheckedFor = -1;
    /** Opened before a runtime attach: seen for the first time mid-life. */
    boolean firstSeenMidLife;
    boolean eofSeen;
    // Addresses as the InetAddress the socket already holds plus a port, not as a fresh InetSocketAddress each:
    // tens of thousands of idle connections are tracked, so every object per connection counts. A Unix domain
    // address is kept as given.
    private Object peerAddress;
    private int peerPort;
    private Object localAddress;
    private int localPort;
    /** The thread inside connect/finishConnect while a connect is pending; null once it is not pending. */
    Thread connectingThread;
    long closeNanos;
    long endNanos;
    /** When the connect succeeded or failed (CLIENT), 0 while it is pending or for an accepted connection. */
    long connectEndNanos;
    /** Written and read by the export thread only: its opening was counted in the open connections. */
    private boolean countedOpen;
    /** TLS on this connection, when a TLS socket was seen over it. */
    String tlsProtocol;
    Boolean tlsEstablished;
    String tlsHandshakeError;
    boolean tlsCloseNotifyReceived;
    boolean tls;
    /** The fingerprint of the TLS hello this connection read first, or 0 (see {@link TlsHellos}). */
    volatile long helloFingerprint;
    private List<ConnectionEvent> events;
    private int droppedEvents;
    /** The application's span current at connect or accept (opaque, see {@link ApplicationTraces}), or null. */
    Object openedIn;
    /** The application's span current when the ending was detected, or null; and when that was. */
    Object endedIn;
    long endedInNanos;

    /** Set by the table; lets the tracker drop the entry without holding the socket. */
    ConnectionTable.Ref tableRef;

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
        return AgentClock.epochNanos(endNanos);
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
        long end = closeNanos != 0 ? closeNanos : endNanos;
        return Math.max(0, end - startNanos);
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
        long end = closeNanos != 0 ? closeNanos : endNanos;
        return Math.max(0, (end - lastIoNanos) / 1_000_000L);
    }

    /** The verdict; null only if the connection never ended (never the case once it is handed to a listener). */
    public synchronized Verdict verdict() {
        return ending.verdict();
    }

    /** The span's {@code error.type} if its status is ERROR, else null: see {@link Verdict#statusErrorType}. */
    public synchronized String statusErrorType() {
        Verdict v = ending.verdict();
        return v == null ? null : v.statusErrorType(ending.laterException());
    }

    /**
     * The signal that decided the ending came on this thread, where {@code applicationSpan} (or null) was current:
     * the request that suffered it. Under this object's monitor.
     */
    void endingDetected(Object applicationSpan, long now) {
        endedIn = applicationSpan;
        endedInNanos = now;
    }

    /** Opened before a runtime attach: start, bytes and idle time count from when sockwatch first saw it. */
    public synchronized boolean firstSeenMidLife() {
        return firstSeenMidLife;
    }

    /** Whether a TLS layer was seen over this connection. */
    public synchronized boolean isTls() {
        return tls;
    }

    /** The negotiated TLS protocol (such as TLSv1.3), or null. */
    public synchronized String tlsProtocol() {
        return tlsProtocol;
    }

    /** True, false, or null when no handshake was seen to end. */
    public synchronized Boolean tlsEstablished() {
        return tlsEstablished;
    }

    public synchronized String tlsHandshakeError() {
        return tlsHandshakeError;
    }

    public synchronized boolean tlsCloseNotifyReceived() {
        return tlsCloseNotifyReceived;
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
        return endedIn;
    }

    public synchronized long endedInEpochNanos() {
        return AgentClock.epochNanos(endedInNanos);
    }

    public synchronized int droppedEvents() {
        return droppedEvents;
    }
}
