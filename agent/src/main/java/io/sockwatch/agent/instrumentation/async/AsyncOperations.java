package io.sockwatch.agent.instrumentation.async;

import io.sockwatch.bootstrap.AsyncSignals;
import io.sockwatch.bootstrap.SocketSignals;
import java.nio.channels.InterruptedByTimeoutException;

/**
 * Pairs each result the JDK hands over with the asynchronous channel operation announced on the same thread, and
 * reports it to the tracker as the connect, read, write or accept it is. See {@link AsyncSignals}.
 */
final class AsyncOperations implements AsyncSignals {

    /**
     * What an AsynchronousSocketChannel read or write that timed out reports: the JDK delivers its own exception
     * of this type, but from a timer task with no channel at hand; only the type and the operation matter.
     */
    private static final Throwable TIMEOUT = new InterruptedByTimeoutException();

    /** One per thread that ever ran an asynchronous channel operation; reused, never reallocated. */
    private static final class Operation {
        Object channel;
        int operation;
    }

    private final SocketSignals tracker;
    private final ThreadLocal<Operation> current = new ThreadLocal<>();

    AsyncOperations(SocketSignals tracker) {
        this.tracker = tracker;
    }

    @Override
    public void begin(Object channel, int operation) {
        Operation o = current.get();
        if (o == null) {
            o = new Operation();
            current.set(o);
        }
        o.channel = channel;
        o.operation = operation;
    }

    @Override
    public void end() {
        Operation o = current.get();
        if (o != null) {
            o.channel = null;
        }
    }

    @Override
    public boolean inProgress(Object channel, int operation) {
        Operation o = current.get();
        return o != null && o.channel == channel && o.operation == operation;
    }

    @Override
    public void result(Object value, Throwable failure) {
        Operation o = current.get();
        if (o == null || o.channel == null) {
            return;
        }
        Object channel = o.channel;
        o.channel = null; // one result per operation
        switch (o.operation) {
            case CONNECT -> tracker.connectEnded(channel, failure);
            case READ -> tracker.read(channel, count(value), failure);
            case WRITE -> tracker.write(channel, count(value), failure);
            case ACCEPT -> tracker.acceptEnded(channel, failure == null ? value : null, failure,
                    AsynchronousChannelModule.API);
            default -> {
            }
        }
    }

    @Override
    public void timedOut(Object channel, boolean read) {
        if (read) {
            tracker.read(channel, 0, TIMEOUT);
        } else {
            tracker.write(channel, 0, TIMEOUT);
        }
    }

    private static long count(Object value) {
        return value instanceof Number n ? n.longValue() : 0;
    }
}
