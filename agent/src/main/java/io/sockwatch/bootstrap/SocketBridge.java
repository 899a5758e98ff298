package io.sockwatch.bootstrap;

import java.nio.ByteBuffer;

/**
 * The only sockwatch class that instrumented JDK code calls. It is loaded by the bootstrap class loader and
 * forwards to the tracker installed by the agent; until one is installed every call is a no-op.
 *
 * <p>Every method is static, allocation-free and lock-free (but for the one small holder that {@link #asyncBegin}
 * creates per thread, once), and the advice that calls it suppresses any throwable, so nothing here can change what
 * the application sees.
 */
public final class SocketBridge {

    /** The operations of an asynchronous channel whose results the JDK hands over (see {@link #asyncBegin}). */
    public static final int ASYNC_CONNECT = 1;
    public static final int ASYNC_READ = 2;
    public static final int ASYNC_WRITE = 3;
    public static final int ASYNC_ACCEPT = 4;

    private static volatile SocketSignals signals;

    /**
     * The asynchronous operation whose result the current thread is about to hand over: set while a method of an
     * asynchronous channel runs, taken by the first completion handler, Future or pooled task that receives it.
     */
    private static final ThreadLocal<AsyncOperation> ASYNC = new ThreadLocal<>();

    /**
     * What an AsynchronousSocketChannel read or write that timed out reports: the JDK delivers its own exception
     * of this type, but from a timer task with no channel at hand; only the type and the operation matter.
     */
    private static final Throwable ASYNC_TIMEOUT = new java.nio.channels.InterruptedByTimeoutException();

    /** One per thread that ever ran an asynchronous channel operation; reused, never reallocated. */
    private static final class AsyncOperation {
        Object channel;
        int op;
        String api;
    }

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

    public static void shuttingDownInput(Object socket) {
        SocketSignals s = signals;
        if (s != null) {
            s.shuttingDownInput(socket);
        }
    }

    public static void shutdown(Object socket, boolean input, Throwable failure) {
        SocketSignals s = signals;
        if (s != null) {
            s.shutdown(socket, input, failure);
        }
    }

    public static void asyncConnectStarted(Object channel, Object remote, String api) {
        SocketSignals s = signals;
        if (s != null) {
            s.asyncConnectStarted(channel, remote, api);
        }
    }

    /**
     * A method of {@code channel} that may complete operation {@code op} starts on this thread. The JDK hands the
     * result to a completion handler, a Future or the channel group's pool before the method returns, and the
     * first of those to run on this thread takes it ({@link #asyncResult}).
     */
    public static void asyncBegin(Object channel, int op, String api) {
        if (signals == null) {
            return;
        }
        AsyncOperation o = ASYNC.get();
        if (o == null) {
            o = new AsyncOperation();
            ASYNC.set(o);
        }
        o.channel = channel;
        o.op = op;
        o.api = api;
    }

    /** The method that {@link #asyncBegin} announced returns: whatever it did not hand over is not a result. */
    public static void asyncEnd() {
        AsyncOperation o = ASYNC.get();
        if (o != null) {
            o.channel = null;
        }
    }

    /** True while this thread runs a method of {@code channel} that completes {@code op}. */
    public static boolean inAsync(Object channel, int op) {
        AsyncOperation o = ASYNC.get();
        return o != null && o.channel == channel && o.op == op;
    }

    /**
     * The JDK hands a result ({@code value}, or {@code failure}) to a completion handler or a Future. It belongs to
     * the operation announced on this thread, if any; results of other asynchronous channels (files) are ignored.
     */
    public static void asyncResult(Object value, Throwable failure) {
        SocketSignals s = signals;
        if (s == null) {
            return;
        }
        AsyncOperation o = ASYNC.get();
        if (o == null || o.channel == null) {
            return;
        }
        Object channel = o.channel;
        o.channel = null; // one result per operation
        switch (o.op) {
            case ASYNC_CONNECT -> s.connectEnded(channel, failure);
            case ASYNC_READ -> s.read(channel, count(value), failure);
            case ASYNC_WRITE -> s.write(channel, count(value), failure);
            case ASYNC_ACCEPT -> s.acceptEnded(channel, failure == null ? value : null, failure, o.api);
            default -> {
            }
        }
    }

    /** A read ({@code read} true) or write of an asynchronous channel timed out; the JDK forbids further ones. */
    public static void asyncTimedOut(Object channel, boolean read) {
        SocketSignals s = signals;
        if (s == null) {
            return;
        }
        if (read) {
            s.read(channel, 0, ASYNC_TIMEOUT);
        } else {
            s.write(channel, 0, ASYNC_TIMEOUT);
        }
    }

    private static long count(Object value) {
        return value instanceof Number n ? n.longValue() : 0;
    }
}
