package io.sockwatch.bootstrap;

import java.nio.ByteBuffer;

/**
 * The only sockwatch class that instrumented JDK code calls. It is loaded by the bootstrap class loader and
 * forwards to the tracker installed by the agent; until one is installed every call is a no-op.
 *
 * <p>Every method is static, allocation-free and lock-free, and the advice that calls it suppresses any
 * throwable, so nothing here can change what the application sees.
 */
public final class SocketBridge {

    private static volatile SocketSignals signals;

    /** Set while the agent's own code runs on a thread (export): connections it opens are not observed. */
    private static final ThreadLocal<Boolean> AGENT_THREAD = new ThreadLocal<>();

    private SocketBridge() {
    }

    public static void install(SocketSignals tracker) {
        signals = tracker;
    }

    public static void markAgentWork(boolean active) {
        if (active) {
            AGENT_THREAD.set(Boolean.TRUE);
        } else {
            AGENT_THREAD.remove();
        }
    }

    public static boolean isAgentWork() {
        return AGENT_THREAD.get() != null;
    }

    public static void connectStarted(Object socket, Object remote, int timeoutMillis, String api) {
        SocketSignals s = signals;
        if (s != null) {
            s.connectStarted(socket, remote, timeoutMillis, api);
        }
    }

    public static void connectEnded(Object socket, Throwable failure) {
        SocketSignals s = signals;
        if (s != null) {
            s.connectEnded(socket, failure);
        }
    }

    public static void acceptEnded(Object listener, Object socket, Throwable failure, String api) {
        SocketSignals s = signals;
        if (s != null) {
            s.acceptEnded(listener, socket, failure, api);
        }
    }

    public static void read(Object socket, long n, Throwable failure) {
        SocketSignals s = signals;
        if (s != null) {
            s.read(socket, n, failure);
        }
    }

    public static void read(Object socket, long n, Throwable failure, ByteBuffer dst) {
        SocketSignals s = signals;
        if (s != null) {
            s.readInto(socket, n, failure, dst);
        }
    }

    public static void write(Object socket, long n, Throwable failure) {
        SocketSignals s = signals;
        if (s != null) {
            s.write(socket, n, failure);
        }
    }

    public static void closing(Object socket) {
        SocketSignals s = signals;
        if (s != null) {
            s.closing(socket);
        }
    }

    public static void tlsHandshakeEnded(Object sslSocket, Throwable failure) {
        SocketSignals s = signals;
        if (s != null) {
            s.tlsHandshakeEnded(sslSocket, failure);
        }
    }

    public static void tlsInboundClosed(Object transport, boolean closeNotifyReceived) {
        SocketSignals s = signals;
        if (s != null) {
            s.tlsInboundClosed(transport, closeNotifyReceived);
        }
    }

    public static void tlsUnwrapping(Object engine, ByteBuffer[] srcs, int offset, int length) {
        SocketSignals s = signals;
        if (s != null) {
            s.tlsUnwrapping(engine, srcs, offset, length);
        }
    }

    public static void tlsHandshakeFinished(Object transport, Object session) {
        SocketSignals s = signals;
        if (s != null) {
            s.tlsHandshakeFinished(transport, session);
        }
    }

    public static void tlsFatal(Object transport, boolean negotiated, Throwable failure) {
        SocketSignals s = signals;
        if (s != null) {
            s.tlsFatal(transport, negotiated, failure);
        }
    }

    public static void shutdown(Object socket, boolean input, Throwable failure) {
        SocketSignals s = signals;
        if (s != null) {
            s.shutdown(socket, input, failure);
        }
    }
}
