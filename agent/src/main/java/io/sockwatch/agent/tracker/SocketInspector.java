package io.sockwatch.agent.tracker;

import java.net.SocketAddress;

/**
 * Reads what the tracker needs from one kind of JDK socket object, outside the hot path. Implemented per JDK
 * class by the instrumentation layer, which knows that class's fields.
 */
public interface SocketInspector {

    /** The peer's address (InetSocketAddress, or UnixDomainSocketAddress), or null when unknown. */
    SocketAddress peer(Object socket);

    /** The local address, or null when unknown; only valid while the socket is open. */
    SocketAddress local(Object socket);

    /** Whether the close now under way was caused by interrupting a thread blocked in I/O on it. */
    default boolean closedByInterrupt(Object socket) {
        return false;
    }

    /**
     * Whether an interrupt of the thread that closes the socket is what closed it (true for sockets and channels
     * whose blocking I/O an interrupt aborts; false for asynchronous channels, which interrupts never close).
     */
    default boolean closesOnInterrupt() {
        return true;
    }

    /**
     * The object that carries the connection when {@code socket} is only a wrapper around it (for example
     * java.net.Socket's SOCKS wrapper around NioSocketImpl on JDK 17), or null when it is not a wrapper.
     */
    default Object unwrap(Object socket) {
        return null;
    }

    /**
     * Whether the peer has already closed its side, asked of the kernel without reading; only while the socket is
     * still open (at close, at exit, or before a write after an idle gap). Never called when this process shut the
     * input down itself.
     *
     * @param mayTakeError whether a pending error may be read (and so cleared) to tell {@link PeerState#RESET_AFTER_FIN}
     *                     from {@link PeerState#RESET_RECEIVED}: only at close, never while the application may
     *                     still be told of the error
     */
    default PeerState peerState(Object socket, boolean mayTakeError) {
        return PeerState.UNKNOWN;
    }

    /**
     * Whether {@code socket} is a connected socket of this inspector's class and not closed: one sockwatch may
     * take up mid-life, after a runtime attach. False when it cannot be read.
     */
    default boolean isConnected(Object socket) {
        return false;
    }

    /**
     * The errno that a native library carried inside {@code failure} (positive, as errno.h has it), or 0 when it
     * carries none: what the classifier reads before the message. Only on the rare path of a failure.
     */
    default int errno(Throwable failure) {
        return 0;
    }

    /** How many threads are blocked in I/O on the socket right now (0 when unknown). */
    int threadsInIo(Object socket);
}
