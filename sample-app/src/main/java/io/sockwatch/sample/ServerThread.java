package io.sockwatch.sample;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeoutException;

/**
 * A listener on 127.0.0.1 that accepts exactly one connection on its own thread and hands it to a handler.
 * The handler owns the accepted socket (it decides how the server side ends) and returns what it saw.
 */
final class ServerThread implements AutoCloseable {

    interface Handler {
        String handle(Socket accepted) throws Exception;
    }

    private final ServerSocket listener;
    private final Thread thread;
    private volatile String saw;
    private volatile Throwable failure;

    ServerThread(String scenario, Handler handler) throws IOException {
        this.listener = Loopback.listen();
        this.thread = new Thread(() -> {
            try {
                saw = handler.handle(listener.accept());
            } catch (Throwable t) {
                failure = t;
            }
        }, "server-" + scenario);
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    boolean finished() {
        return !thread.isAlive();
    }

    /** Waits for the handler to finish; returns what it saw, or throws what it threw. */
    String await() throws Exception {
        thread.join(Loopback.WAIT_MS);
        if (thread.isAlive()) {
            throw new TimeoutException("the server side did not finish within " + Loopback.WAIT_MS + " ms");
        }
        if (failure instanceof Exception e) {
            throw e;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
        return saw;
    }

    /** Closes the listener; only after {@link #await()} in the normal course, so no accept is interrupted. */
    @Override
    public void close() throws IOException {
        listener.close();
    }
}
