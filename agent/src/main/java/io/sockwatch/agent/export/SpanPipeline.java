package io.sockwatch.agent.export;

import io.sockwatch.agent.tracker.ConnectionListener;
import io.sockwatch.agent.tracker.ConnectionState;
import io.sockwatch.bootstrap.SocketBridge;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Hands ended connections to OpenTelemetry on a thread of its own, through a bounded queue (drops are counted):
 * the application's threads never build spans, and the SDK starts in the background instead of delaying the
 * application's start. Connections that end before the SDK is ready wait in the queue.
 */
public final class SpanPipeline implements ConnectionListener {

    private final ArrayBlockingQueue<ConnectionState> queue;
    private final AtomicLong dropped = new AtomicLong();
    private final Thread worker;
    private volatile boolean stopping;
    private volatile Telemetry telemetry;

    /**
     * @param capacity  how many ended connections may wait for export
     * @param start     builds the SDK (on the pipeline's thread)
     * @param spans     turns the SDK into the span writer
     */
    public SpanPipeline(int capacity, Supplier<Telemetry> start, java.util.function.Function<Telemetry,
            ConnectionListener> spans, Consumer<String> warn) {
        this.queue = new ArrayBlockingQueue<>(Math.max(16, capacity));
        this.worker = new Thread(() -> run(start, spans, warn), "sockwatch-export");
        this.worker.setDaemon(true);
    }

    public void start() {
        worker.start();
    }

    @Override
    public void connectionEnded(ConnectionState connection) {
        if (!queue.offer(connection)) {
            dropped.incrementAndGet();
        }
    }

    private void run(Supplier<Telemetry> start, java.util.function.Function<Telemetry, ConnectionListener> spans,
                     Consumer<String> warn) {
        SocketBridge.markAgentWork(true); // whatever the SDK connects to from here is never observed
        Telemetry t;
        try {
            t = start.get();
        } catch (Throwable e) {
            warn.accept("sockwatch: OpenTelemetry did not start (" + e + "); no spans are exported");
            return;
        }
        ConnectionListener writer = spans.apply(t);
        telemetry = t;
        while (true) {
            ConnectionState next;
            try {
                next = stopping ? queue.poll() : queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                next = queue.poll();
            }
            if (next == null) {
                if (stopping) {
                    return;
                }
                continue;
            }
            try {
                writer.connectionEnded(next);
            } catch (Throwable e) {
                dropped.incrementAndGet();
            }
        }
    }

    /** Writes what is queued and flushes the SDK, within {@code millis} in all. */
    public void shutdown(long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        stopping = true;
        try {
            worker.join(Math.max(1, millis / 2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Telemetry t = telemetry;
        if (t != null) {
            t.shutdown(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
    }

    public long dropped() {
        return dropped.get();
    }
}
