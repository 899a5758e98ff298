package io.sockwatch.agent.export;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.sockwatch.agent.tracker.ConnectionListener;
import io.sockwatch.agent.tracker.ConnectionState;
import io.sockwatch.agent.tracker.AgentWork;
import java.util.ArrayDeque;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
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
    /**
     * How long after the spans' SDK the metrics' starts: on a busy machine, building both at once delays the first
     * spans of a short program past its exit budget. A program that ends sooner gets its metrics after its spans.
     */
    private static final long METRICS_DELAY_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How often the export thread looks at the clock for batches and retries that fell due. */
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /**
     * How long the export thread sleeps when the queue is empty. Producers never wake it: a wake-up per opening or
     * ending cost the application's thread a system call, and the export thread a context switch, per connection.
     * Ended connections wait a grace period of their own and then a batch; these milliseconds add nothing visible.
     */
    private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** Taken off the queue under one lock, then handled one by one. */
    private static final int TAKE_AT_ONCE = 256;
    /** What the export thread took off the queue and has not handled yet. Export thread only. */
    private final ArrayDeque<Object> taken = new ArrayDeque<>(TAKE_AT_ONCE);
    private final DeliveryLedger ledger;
    private final boolean exporting;
    private final boolean counting;
    private final int openingsRoom;
    private final Thread worker;
    private volatile boolean stopping;
    private volatile boolean started;
    private volatile boolean launched;
    private volatile long deadlineNanos;
    private volatile SpanDelivery delivery;
    private volatile Telemetry telemetry;
    /** Built on {@code sockwatch-metrics-start} once the spans' SDK is ready; null until then. */
    private volatile ConnectionMetrics recorder;
    private volatile boolean metricsSettled;
    private Thread metricsStart;
    /** Openings and endings that came before the recorder, counted once it is there. Export thread only. */
    private final ArrayDeque<Object> unmetered = new ArrayDeque<>();

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
        this.openingsRoom = Math.max(16, capacity) / 8;
        this.ledger = ledger;
        this.exporting = exporting;
        this.counting = counting;
        this.worker = new Thread(() -> run(start, spans, metrics, warn), "sockwatch-export");
        this.worker.setDaemon(true);
    }

    public void start() {
        launched = true;
        worker.start();
    }

    /**
     * Waits until OpenTelemetry has started on the export thread (or failed to), at most {@code maxMillis}; at once if
     * the pipeline was never started. An interrupt ends the wait, and stays set.
     */
    public void awaitStarted(long maxMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMillis);
        while (launched && !started && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
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
     * Counted among the open connections. Only while the queue is nearly empty (less than an eighth full), as it is
     * when the export keeps up: under a backlog or a burst the room is the endings', which carry the spans. A
     * connection whose opening is not counted is not subtracted at its end.
     */
    @Override
    public void connectionOpened(ConnectionState connection) {
        if (counting && queue.size() < openingsRoom) {
            queue.offer(new Opened(connection));
        }
    }

    private void run(Supplier<Telemetry> start, Function<Telemetry, ConnectionSpans> spans,
                     Function<Telemetry, ConnectionMetrics> metrics, Consumer<String> warn) {
        AgentWork.mark(true); // whatever the SDK connects to from here is never observed
        ConnectionSpans writer = null;
        SpanDelivery delivery = null;
        try {
            Telemetry t = start.get();
            telemetry = t;
            writer = spans.apply(t);
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
        long metricsDue = lastTick + METRICS_DELAY_NANOS;
        while (true) {
            if (metricsStart == null && !metricsSettled && System.nanoTime() - metricsDue >= 0) {
                startMetrics(telemetry, metrics);
            }
            boolean last = stopping; // read before looking: what was queued before the exit is still handled
            Object next = next(delivery == null ? TICK_NANOS : delivery.nanosUntilWork(System.nanoTime()));
            if (next == null && last) {
                break;
            }
            if (next instanceof ConnectionState ended) {
                meter(ended);
                write(writer, delivery, ended);
            } else if (next instanceof Opened opened) {
                meter(opened);
            } else if (!unmetered.isEmpty()) {
                meter(null); // the recorder may be there now
            }
            // Also under a steady stream of endings: a partial batch and a retry fall due by the clock.
            long now = System.nanoTime();
            if (delivery != null && (next == null || now - lastTick >= TICK_NANOS)) {
                delivery.tick(now);
                lastTick = now;
            }
        }
        // The last metrics leave while the last spans do, within the same exit budget; metrics still starting come
        // after the spans.
        boolean metricsReady = metricsSettled;
        CompletableResultCode metricsSent = metricsReady ? sendMetrics() : null;
        if (delivery != null) {
            delivery.finish(deadlineNanos);
        }
        if (metricsStart == null && !metricsSettled) {
            startMetrics(telemetry, metrics); // a program shorter than the delay: its metrics come after its spans
        }
        if (!metricsReady) {
            awaitMetrics(deadlineNanos);
            metricsSent = sendMetrics();
        }
        if (metricsSent != null) {
            metricsSent.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime())),
                    TimeUnit.MILLISECONDS);
        }
    }

    /** Counts what waited for the recorder, and sends the metrics; null when there are none to send. */
    private CompletableResultCode sendMetrics() {
        meter(null);
        Telemetry t = telemetry;
        if (recorder == null || t == null) {
            return null;
        }
        try {
            return t.flushMetrics();
        } catch (Throwable e) {
            return null; // counted nowhere: the exit line is about spans
        }
    }

    /** Builds the metrics on a thread of their own, so that the spans do not wait for them. */
    private void startMetrics(Telemetry t, Function<Telemetry, ConnectionMetrics> metrics) {
        if (!counting || t == null) {
            metricsSettled = true;
            return;
        }
        metricsStart = new Thread(() -> {
            AgentWork.mark(true);
            try {
                recorder = metrics.apply(t);
            } catch (Throwable e) {
                // no metrics: connections are still tracked and their spans exported
            } finally {
                metricsSettled = true;
            }
        }, "sockwatch-metrics-start");
        metricsStart.setDaemon(true);
        metricsStart.start();
    }

    private void awaitMetrics(long deadline) {
        Thread starting = metricsStart;
        if (starting != null && !metricsSettled) {
            try {
                starting.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Counts an opening ({@link Opened}) or an ending, and whatever waited for the recorder before it; null: only
     * what waited. Before the recorder is there, events wait (at most as many as the queue holds); once the metrics
     * failed to start, they are dropped.
     */
    private void meter(Object event) {
        if (!counting) {
            return;
        }
        ConnectionMetrics r = recorder;
        if (r == null) {
            if (event != null && !metricsSettled && unmetered.size() < queue.size() + queue.remainingCapacity()) {
                unmetered.add(event);
            } else if (metricsSettled) {
                unmetered.clear();
            }
            return;
        }
        for (Object waiting; (waiting = unmetered.poll()) != null; ) {
            record(r, waiting);
        }
        if (event != null) {
            record(r, event);
        }
    }

    private static void record(ConnectionMetrics r, Object event) {
        try {
            if (event instanceof Opened opened) {
                r.opened(opened.connection());
            } else if (event instanceof ConnectionState ended) {
                r.ended(ended);
            }
        } catch (Throwable e) {
            // A metric that cannot be recorded costs only itself; the span is still written.
        }
    }

    /**
     * The next thing to handle, or null after sleeping at most {@code nanos} (or at once when stopping) without
     * finding any.
     */
    private Object next(long nanos) {
        Object next = taken.poll();
        if (next != null || queue.drainTo(taken, TAKE_AT_ONCE) > 0) {
            return next != null ? next : taken.poll();
        }
        if (!stopping && nanos > 0) {
            LockSupport.parkNanos(this, Math.min(nanos, IDLE_NANOS));
        }
        return null;
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
        LockSupport.unpark(worker);
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
