package io.sockwatch.bootstrap;

/**
 * What Netty's native transports (epoll, io_uring, and shaded copies of them) report, where their calls differ from
 * the JDK's: a connect names no transport, and an accept returns a bare file descriptor that the socket object is
 * built around afterwards, on the same thread. Implemented by the agent's Netty module, which turns these into
 * {@link SocketSignals}. epoll's reads, writes, shutdowns and the close go to {@link SocketSignals} directly;
 * io_uring's operations complete in its ring, and their results come here.
 */
public interface NativeSignals {

    /** {@code socket} (a Netty {@code io.netty.channel.unix.Socket}) starts connecting to {@code remote}. */
    void connectStarted(Object socket, Object remote);

    /** {@code listener} accepted the connection whose descriptor is {@code fd} (or failed with {@code failure}). */
    void accepted(Object listener, int fd, Throwable failure);

    /** A Netty socket object was built around descriptor {@code fd}: an accepted one if {@link #accepted} said so. */
    void socketCreated(Object socket, int fd);

    /** io_uring: {@code parent}, a server channel, built the channel of a connection it accepted ({@code socket}). */
    void childBuilt(Object parent, Object socket);

    /**
     * An io_uring operation of {@code channel} (Netty's channel, whose socket object the implementation finds)
     * completed with {@code result}: bytes (0 at end of stream for a read), an accepted descriptor, 0 for a
     * connect, or a negative errno; {@code operation} is one of {@link AsyncSignals}' constants. Called for every
     * read and write: no allocation, no lock, unless the operation failed.
     */
    void completed(Object channel, int operation, int result);
}
