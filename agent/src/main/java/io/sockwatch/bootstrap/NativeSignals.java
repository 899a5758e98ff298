package io.sockwatch.bootstrap;

/**
 * What Netty's native transports (epoll, io_uring, and shaded copies of them) report, where their calls differ from
 * the JDK's: a connect names no transport, and an accept returns a bare file descriptor that the socket object is
 * built around afterwards, on the same thread. Implemented by the agent's Netty module, which turns these into
 * {@link SocketSignals}. Connects and accepts only: reads, writes and closes go to {@link SocketSignals} directly.
 */
public interface NativeSignals {

    /** {@code socket} (a Netty {@code io.netty.channel.unix.Socket}) starts connecting to {@code remote}. */
    void connectStarted(Object socket, Object remote);

    /** {@code listener} accepted the connection whose descriptor is {@code fd} (or failed with {@code failure}). */
    void accepted(Object listener, int fd, Throwable failure);

    /** A Netty socket object was built around descriptor {@code fd}: an accepted one if {@link #accepted} said so. */
    void socketCreated(Object socket, int fd);

    /**
     * An io_uring operation of {@code socket} completed with {@code result} (bytes, 0 at end of stream for a read,
     * or a negative errno); {@code operation} is one of {@link AsyncSignals}' constants.
     */
    void completed(Object socket, int operation, int result);
}
