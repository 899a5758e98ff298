package io.sockwatch.agent.export;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.sockwatch.agent.tracker.ConnectionListener;
import io.sockwatch.agent.tracker.ConnectionState;
import io.sockwatch.agent.tracker.AgentWork;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Hands ended connections to OpenTelemetry on a thread of its own, through a bounded queue: the application's
 * threads never build spans nor record metrics, and the SDK starts in the background instead of delaying the
 * application's start. With metrics, established connections pass through the queue too, to be counted as open.
 * Connections that end before the SDK is ready wait in the queue. Every connection handed here is accounted for
 * in the {@link DeliveryLedger}: delivered, exempt by configuration, or lost with a reason.
 */
public final class SpanPipeline implements ConnectionListener {

    /** Ended connections, {@link Opened} ones (with metrics), and at exit {@link #WAKE_UP}. */
    private final ArrayBlockingQueue<Object> queue;
    /** Put in the queue at exit so that a waiting worker starts on the last spans at once. */
    private static final Object WAKE_UP = new Object();
    /** How often the export thread looks at the clock for batches and retries that fell due. */
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private final DeliveryLedger ledger;
    private final boolean exporting;
    private final boolean counting;
    private final int halfCapacity;
    private final Thread worker;
    private volatile boolean stopping;
    private volatile boolean started;
    private volatile long deadlineNanos;
    private volatile SpanDelivery delivery;
    private volatile Telemetry telemetry;

    /** An established connection, for the open connections metric. */
    private record Opened(ConnectionState connection) {
    }

    /**
     * @param capacity  how many ended connections may wait for export
     * @param exporting false when no trace exporter is configured: connections are counted, never built
     * @param start     builds the SDK (on the pipeline's thread)
     * @param spans     turns the SDK into the span writer, null when no span is wanted ({@code sockwatch.spans=none})
     * @param counting  whether a metrics exporter is configured
     * @param metrics   turns the SDK into the metrics recorder (null when it has no metrics exporter)
     */
    public SpanPipeline(int capacity, boolean exporting, DeliveryLedger ledger, Supplier<Telemetry> start,
                        Function<Telemetry, ConnectionSpans> spans, boolean counting,
                        Function<Telemetry, ConnectionMetrics> metrics, Consumer<String> warn) {
        this.queue = new ArrayBlockingQueue<>(Math.max(16, capacity));
        this.halfCapacity = Math.max(16, capacity) / 2;
        this.ledger = ledger;
        this.exporting = exporting;
        this.counting = counting;
        this.worker = new Thread(() -> run(start, spans, metrics, warn), "sockwatch-export");
        this.worker.setDaemon(true);
    }

    public void start() {
        worker.start();
    }

    @Override
    public void connectionEnded(ConnectionState connection) {
        ledger.handed();
        if (!exporting && !counting) {
            ledger.notExported(1);
        } else if (!queue.offer(connection)) {
            ledger.lost(1, DeliveryLedger.QUEUE_FULL);
        }
    }

    /**
     * Counted among the open connections. Only while the queue is less than half full: the other half stays for
     * the endings, which carry the spans; a connection whose opening is not counted is not subtracted at its end.
     */
    @Override
    public void connectionOpened(ConnectionState connection) {
        if (counting && queue.remainingCapacity() > halfCapacity) {
            queue.offer(new Opened(connection));
        }
    }

    private void run(Supplier<Telemetry> start, Function<Telemetry, ConnectionSpans> spans,
                     Function<Telemetry, ConnectionMetrics> metrics, Consumer<String> warn) {
        AgentWork.mark(true); // whatever the SDK connects to from here is never observed
        ConnectionSpans writer = null;
        ConnectionMetrics recorder = null;
        SpanDelivery delivery = null;
        try {
            Telemetry t = start.get();
            telemetry = t;
            writer = spans.apply(t);
            recorder = metrics.apply(t);
            delivery = t.delivery();
            if (delivery != null) {
                delivery.warmUp(t.collectors());
            }
            this.delivery = delivery;
        } catch (Throwable e) {
            warn.accept("sockwatch: OpenTelemetry did not start (" + e + "); no spans are exported");
        }
        started = true;
        long lastTick = System.nanoTime();
        while (true) {
            Object next = stopping ? queue.poll() : await(delivery == null
                    ? TICK_NANOS : delivery.nanosUntilWork(System.nanoTime()));
            if (next == null && stopping) {
                break;
            }
            if (next instanceof ConnectionState ended) {
                count(recorder, ended);
                write(writer, delivery, ended);
            } else if (next instanceof Opened opened && recorder != null) {
                countOpened(recorder, opened.connection());
            }
            // Also under a steady stream of endings: a partial batch and a retry fall due by the clock.
            long now = System.nanoTime();
            if (delivery != null && (next == null || now - lastTick >= TICK_NANOS)) {
                delivery.tick(now);
                lastTick = now;
            }
        }
        // The last metrics leave while the last spans do, within the same exit budget.
        CompletableResultCode metricsSent = null;
        Telemetry t = telemetry;
        if (recorder != null && t != null) {
            try {
                metricsSent = t.flushMetrics();
            } catch (Throwable e) {
                metricsSent = null; // counted nowhere: the exit line is about spans
            }
        }
        if (delivery != null) {
            delivery.finish(deadlineNanos);
        }
        if (metricsSent != null) {
            metricsSent.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime())),
                    TimeUnit.MILLISECONDS);
        }
    }

    private void count(ConnectionMetrics recorder, ConnectionState ended) {
        if (recorder != null) {
            try {
                recorder.ended(ended);
            } catch (Throwable e) {
                // A metric that cannot be recorded costs only itself; the span is still written.
            }
        }
    }

    private void countOpened(ConnectionMetrics recorder, ConnectionState opened) {
        try {
            recorder.opened(opened);
        } catch (Throwable e) {
            // as in count
        }
    }

    private Object await(long nanos) {
        try {
            return queue.poll(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            return null;
        }
    }

    private void write(ConnectionSpans writer, SpanDelivery delivery, ConnectionState next) {
        if (writer == null || delivery == null) {
            ledger.notExported(1); // OpenTelemetry did not start, or has no exporter: said once already
            return;
        }
        try {
            if (!writer.write(next)) {
                ledger.notExported(1); // sockwatch.spans=errors and this one is not
            }
        } catch (Throwable e) {
            ledger.lost(1, DeliveryLedger.BUILD_FAILED);
        }
    }

    /**
     * At exit: writes what is queued and waits for the collector's answers, within {@code millis} in all. What is
     * undelivered then stays pending in the ledger; see {@link #pendingReason}.
     */
    public void shutdown(long millis) {
        if (!exporting && !counting) {
            return; // nothing to deliver: the exit does not wait for the SDK
        }
        deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        stopping = true;
        queue.offer(WAKE_UP); // a full queue needs no waking
        try {
            worker.join(Math.max(1, millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * After the exit budget: cancels the exports still waiting for the collector. A thread blocked reading the
     * collector's answer sits in native code, and the JVM would wait up to 300 ms more for it before exiting.
     */
    public void cancelExports() {
        Telemetry t = telemetry;
        if (t != null) {
            t.cancelExports();
        }
    }

    /** Why connections still pending at exit were not delivered. */
    public String pendingReason(String budget) {
        if (!started) {
            return "OpenTelemetry was still starting when the exit budget of " + budget
                    + " ended (sockwatch.exit.timeout)";
        }
        SpanDelivery d = delivery;
        String before = d == null ? null : d.lastFailure();
        return "not answered by the collector within the exit budget of " + budget + " (sockwatch.exit.timeout)"
                + (before == null ? "" : "; its last answer: " + before);
    }
}
