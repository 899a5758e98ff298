package io.sockwatch.bootstrap;

import java.nio.ByteBuffer;

/** What the bridge forwards to before the agent installs its objects (and after a test removes them): nothing. */
final class NoSignals implements SocketSignals, AsyncSignals, NativeSignals {

    static final NoSignals INSTANCE = new NoSignals();

    private NoSignals() {
    }

    @Override
    public void connectStarted(Object socket, Object remote, int timeoutMillis, String api) {
    }

    @Override
    public void asyncConnectStarted(Object channel, Object remote, String api) {
    }

    @Override
    public void connectEnded(Object socket, Throwable failure) {
    }

    @Override
    public void acceptEnded(Object listener, Object socket, Throwable failure, String api) {
    }

    @Override
    public void read(Object socket, long n, Throwable failure) {
    }

    @Override
    public void readInto(Object socket, long n, Throwable failure, ByteBuffer dst) {
    }

    @Override
    public void writing(Object socket) {
    }

    @Override
    public void write(Object socket, long n, Throwable failure) {
    }

    @Override
    public void closing(Object socket) {
    }

    @Override
    public void shuttingDownInput(Object socket) {
    }

    @Override
    public void shutdown(Object socket, boolean input, Throwable failure) {
    }

    @Override
    public void tlsHandshakeEnded(Object sslSocket, Throwable failure) {
    }

    @Override
    public void tlsInboundClosed(Object transport, boolean closeNotifyReceived) {
    }

    @Override
    public void tlsUnwrapping(Object engine, ByteBuffer[] srcs, int offset, int length) {
    }

    @Override
    public void tlsHandshakeFinished(Object transport, Object session) {
    }

    @Override
    public void tlsFatal(Object transport, boolean negotiated, Throwable failure) {
    }

    @Override
    public void begin(Object channel, int operation) {
    }

    @Override
    public void end() {
    }

    @Override
    public boolean inProgress(Object channel, int operation) {
        return false;
    }

    @Override
    public void result(Object value, Throwable failure) {
    }

    @Override
    public void timedOut(Object channel, boolean read) {
    }

    @Override
    public void connectStarted(Object socket, Object remote) {
    }

    @Override
    public void accepted(Object listener, int fd, Throwable failure) {
    }

    @Override
    public void socketCreated(Object socket, int fd) {
    }

    @Override
    public void childBuilt(Object parent, Object socket) {
    }

    @Override
    public void completed(Object channel, int operation, int result) {
    }
}
