package io.sockwatch.bootstrap;

import java.nio.ByteBuffer;

/**
 * The only sockwatch class that instrumented JDK code calls. It is loaded by the bootstrap class loader and
 * forwards each call to the agent's objects: {@link SocketSignals} (the connection tracker) and {@link AsyncSignals}
 * (the asynchronous channel module). Until the agent installs them, each is a do-nothing object, never null.
 *
 * <p>Every method is one static call, allocation-free and lock-free, and the advice that calls it suppresses any
 * throwable, so nothing here can change what the application sees.
 */
public final class SocketBridge {

    private static volatile SocketSignals signals = NoSignals.INSTANCE;
    private static volatile AsyncSignals async = NoSignals.INSTANCE;
    private static volatile NativeSignals natives = NoSignals.INSTANCE;

    private SocketBridge() {
    }

    /** {@code null} puts the do-nothing object back. */
    public static void install(SocketSignals tracker) {
        signals = tracker == null ? NoSignals.INSTANCE : tracker;
    }

    /** {@code null} puts the do-nothing object back. */
    public static void installAsync(AsyncSignals operations) {
        async = operations == null ? NoSignals.INSTANCE : operations;
    }


    /** {@code null} puts the do-nothing object back. */
    public static void installNative(NativeSignals netty) {
        natives = netty == null ? NoSignals.INSTANCE : netty;
    }

    public static void connectStarted(Object socket, Object remote, int timeoutMillis, String api) {
        signals.connectStarted(socket, remote, timeoutMillis, api);
    }

    public static void asyncConnectStarted(Object channel, Object remote, String api) {
        signals.asyncConnectStarted(channel, remote, api);
    }

    public static void connectEnded(Object socket, Throwable failure) {
        signals.connectEnded(socket, failure);
    }

    public static void acceptEnded(Object listener, Object socket, Throwable failure, String api) {
        signals.acceptEnded(listener, socket, failure, api);
    }

    public static void read(Object socket, long n, Throwable failure) {
        signals.read(socket, n, failure);
    }

    public static void read(Object socket, long n, Throwable failure, ByteBuffer dst) {
        signals.readInto(socket, n, failure, dst);
    }

    public static void writing(Object socket) {
        signals.writing(socket);
    }

    public static void write(Object socket, long n, Throwable failure) {
        signals.write(socket, n, failure);
    }

    public static void closing(Object socket) {
        signals.closing(socket);
    }

    public static void shuttingDownInput(Object socket) {
        signals.shuttingDownInput(socket);
    }

    public static void shutdown(Object socket, boolean input, Throwable failure) {
        signals.shutdown(socket, input, failure);
    }

    public static void tlsHandshakeEnded(Object sslSocket, Throwable failure) {
        signals.tlsHandshakeEnded(sslSocket, failure);
    }

    public static void tlsInboundClosed(Object transport, boolean closeNotifyReceived) {
        signals.tlsInboundClosed(transport, closeNotifyReceived);
    }

    public static void tlsUnwrapping(Object engine, ByteBuffer[] srcs, int offset, int length) {
        signals.tlsUnwrapping(engine, srcs, offset, length);
    }

    public static void tlsHandshakeFinished(Object transport, Object session) {
        signals.tlsHandshakeFinished(transport, session);
    }

    public static void tlsFatal(Object transport, boolean negotiated, Throwable failure) {
        signals.tlsFatal(transport, negotiated, failure);
    }

    public static void asyncBegin(Object channel, int operation) {
        async.begin(channel, operation);
    }

    public static void asyncEnd() {
        async.end();
    }

    public static boolean inAsync(Object channel, int operation) {
        return async.inProgress(channel, operation);
    }

    public static void asyncResult(Object value, Throwable failure) {
        async.result(value, failure);
    }

    public static void asyncTimedOut(Object channel, boolean read) {
        async.timedOut(channel, read);
    }

    public static void nativeConnectStarted(Object socket, Object remote) {
        natives.connectStarted(socket, remote);
    }

    public static void nativeAccepted(Object listener, int fd, Throwable failure) {
        natives.accepted(listener, fd, failure);
    }

    public static void nativeSocketCreated(Object socket, int fd) {
        natives.socketCreated(socket, fd);
    }

    public static void nativeChildBuilt(Object parent, Object socket) {
        natives.childBuilt(parent, socket);
    }

    public static void nativeCompleted(Object channel, int operation, int result) {
        natives.completed(channel, operation, result);
    }
}
