package io.sockwatch.bootstrap;

import java.nio.ByteBuffer;

/**
 * What the instrumented JDK socket classes report. Implemented by the connection tracker, which lives in the
 * agent's own class loader; this interface lives in the bootstrap loader so that JDK classes can call it.
 *
 * <p>{@code socket} is the JDK object that owns the connection state (for java.net.Socket: its SocketImpl).
 * Implementations must be cheap on {@link #read}, {@link #writing} and {@link #write} with progress: no allocation, no lock.
 */
public interface SocketSignals {

    /** A connect attempt starts; {@code remote} is the SocketAddress the application asked for. */
    void connectStarted(Object socket, Object remote, int timeoutMillis, String api);

    /**
     * An asynchronous connect starts: it completes on whatever thread the JDK chooses, so no thread is connecting
     * (a close on this thread is not the JDK cleaning up a failed connect).
     */
    void asyncConnectStarted(Object channel, Object remote, String api);

    /** The connect attempt ended, with {@code failure} null on success. */
    void connectEnded(Object socket, Throwable failure);

    /** An accept on {@code listener} ended; on success {@code socket} is the accepted connection. */
    void acceptEnded(Object listener, Object socket, Throwable failure, String api);

    /** A read returned {@code n} bytes (-1 at end of stream) or failed with {@code failure}. */
    void read(Object socket, long n, Throwable failure);

    /**
     * A read into {@code dst} returned {@code n} bytes (-1 at end of stream) or failed; the bytes read end at
     * {@code dst}'s position. Same cost rules as {@link #read}, except on a connection's first read: its bytes are
     * looked at, and one that starts with a TLS hello is indexed (a lock and one small entry, once per connection).
     */
    void readInto(Object socket, long n, Throwable failure, ByteBuffer dst);

    /** A write is about to start (stale reuse is checked here, once per idle gap). */
    void writing(Object socket);

    /** A write transferred {@code n} bytes or failed with {@code failure}. */
    void write(Object socket, long n, Throwable failure);

    /** The application closes the socket (called before the JDK releases it). */
    void closing(Object socket);

    /**
     * shutdownInput starts: a reader it wakes on another thread may report end of stream before
     * {@link #shutdown} does.
     */
    void shuttingDownInput(Object socket);

    /** One direction was shut down ({@code input} true for shutdownInput). */
    void shutdown(Object socket, boolean input, Throwable failure);

    /** A TLS socket ({@code javax.net.ssl.SSLSocket}) finished its handshake or fails it. */
    void tlsHandshakeEnded(Object sslSocket, Throwable failure);

    /**
     * The TLS layer of {@code transport} (an SSLSocket or SSLEngine) closed its inbound side passively;
     * {@code closeNotifyReceived} tells whether the peer's close_notify caused it.
     */
    void tlsInboundClosed(Object transport, boolean closeNotifyReceived);

    /**
     * An {@code SSLEngine} is about to unwrap the first of {@code srcs[offset..offset+length)} with bytes left.
     * Called for every record: implementations must return at once unless it is a plaintext TLS hello.
     */
    void tlsUnwrapping(Object engine, ByteBuffer[] srcs, int offset, int length);

    /** The TLS handshake of {@code transport} completed; {@code session} is its {@code SSLSession}. */
    void tlsHandshakeFinished(Object transport, Object session);

    /**
     * The TLS layer of {@code transport} failed fatally (an alert sent or received) with {@code failure};
     * {@code negotiated} tells whether its handshake had completed before.
     */
    void tlsFatal(Object transport, boolean negotiated, Throwable failure);
}
