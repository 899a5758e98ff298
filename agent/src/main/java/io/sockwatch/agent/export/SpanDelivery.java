package io.sockwatch.agent.export;

import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Batches connection spans and delivers them, in place of the SDK's batch processor, so that every span is
 * accounted for ({@link DeliveryLedger}) and the exit waits for the collector only as long as it is allowed to.
 *
 * <p>Spans arrive on the export thread only (the pipeline ends them there), so the open batch needs no lock.
 * Exports run asynchronously, at most {@link #MAX_IN_FLIGHT} at a time: a slow collector holds the export thread
 * back, the pipeline's bounded queue fills, and what does not fit is counted there. A failed batch that may
 * succeed later (collector unreachable, 429/503, timeout) is retried with backoff while the application runs,
 * from a bounded buffer; at exit it is tried once more, without backoff. The SDK's own retries are switched off
 * (they would hold a failed batch for seconds where the exit cannot wait).
 */
final class SpanDelivery implements SpanProcessor {

    static final int MAX_IN_FLIGHT = 2;
    static final int MAX_ATTEMPTS = 4;
    private static final long FIRST_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final SpanExporter exporter;
    private final DeliveryLedger ledger;
    private final Supplier<Throwable> causeWhenUnsaid;
    private final int batchSize;
    private final long scheduleDelayNanos;
    private final int retryCapacitySpans;
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    /** Batches waiting for another attempt, oldest first; guarded by itself (completions come on other threads). */
    private final ArrayDeque<Retry> retries = new ArrayDeque<>();
    private int retrySpans;
    private List<SpanData> batch;
    private long batchOpenedNanos;
    private volatile boolean exiting;
    /** The last reason an export failed, the warm-up's included: explains batches still unanswered at exit. */
    private volatile String lastFailure;

    private record Retry(List<SpanData> spans, int attempt, long dueNanos, String reason) {
    }

    SpanDelivery(SpanExporter exporter, DeliveryLedger ledger, Supplier<Throwable> causeWhenUnsaid, int batchSize,
                 long scheduleDelayNanos) {
        this.exporter = exporter;
        this.ledger = ledger;
        this.causeWhenUnsaid = causeWhenUnsaid;
        this.batchSize = Math.max(1, batchSize);
        this.scheduleDelayNanos = Math.max(0, scheduleDelayNanos);
        this.retryCapacitySpans = 16 * this.batchSize;
    }

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {
    }

    @Override
    public boolean isStartRequired() {
        return false;
    }

    @Override
    public void onEnd(ReadableSpan span) {
        if (!span.getSpanContext().isSampled()) {
            ledger.notExported(1);
            return;
        }
        if (batch == null) {
            batch = new ArrayList<>(batchSize);
            batchOpenedNanos = System.nanoTime();
        }
        batch.add(span.toSpanData());
        if (batch.size() >= batchSize) {
            sendBatch();
        }
    }

    @Override
    public boolean isEndRequired() {
        return true;
    }

    /**
     * Sends an empty request to the collectors once, right after start, while the application runs: the exporter's
     * HTTP client and encoders are then warm when the last spans must leave within the exit budget, and an
     * unreachable collector is known early. Nothing is counted.
     */
    void warmUp(SpanExporter collectors) {
        if (inFlight.tryAcquire()) {
            export(collectors, List.of(), 0);
        }
    }

    /** Called by the export thread when it has nothing else to do: sends a batch that waited long enough, and due retries. */
    void tick(long now) {
        if (batch != null && now - batchOpenedNanos >= scheduleDelayNanos) {
            sendBatch();
        }
        Retry due;
        while ((due = nextDueRetry(now)) != null) {
            send(due.spans(), due.attempt());
        }
    }

    /** How long the export thread may sleep before {@link #tick} has work. */
    long nanosUntilWork(long now) {
        long wait = TimeUnit.MILLISECONDS.toNanos(100);
        if (batch != null) {
            wait = Math.min(wait, batchOpenedNanos + scheduleDelayNanos - now);
        }
        return Math.max(0, wait);
    }

    /**
     * At exit: sends the open batch and every batch waiting for a retry, then waits for their answers until
     * {@code deadlineNanos}. Whatever is unanswered then stays pending in the ledger.
     */
    void finish(long deadlineNanos) {
        exiting = true;
        if (batch != null) {
            sendBatch();
        }
        List<Retry> waiting;
        synchronized (retries) {
            waiting = new ArrayList<>(retries);
            retries.clear();
            retrySpans = 0;
        }
        for (Retry r : waiting) {
            if (!acquire(deadlineNanos)) {
                return;
            }
            export(r.spans(), MAX_ATTEMPTS);
        }
        acquireAll(deadlineNanos);
    }

    private void sendBatch() {
        List<SpanData> spans = batch;
        batch = null;
        send(spans, 1);
    }

    private void send(List<SpanData> spans, int attempt) {
        // The export thread waits for a free slot: the back-pressure that keeps memory bounded.
        inFlight.acquireUninterruptibly();
        export(spans, attempt);
    }

    private void export(List<SpanData> spans, int attempt) {
        export(exporter, spans, attempt);
    }

    /** Exports with a slot already taken; the slot is given back when the collector answers. */
    private void export(SpanExporter to, List<SpanData> spans, int attempt) {
        CompletableResultCode result;
        try {
            result = to.export(spans);
        } catch (Throwable t) {
            result = CompletableResultCode.ofExceptionalFailure(t);
        }
        CompletableResultCode r = result;
        r.whenComplete(() -> {
            try {
                answered(spans, attempt, r);
            } finally {
                inFlight.release();
            }
        });
    }

    private void answered(List<SpanData> spans, int attempt, CompletableResultCode result) {
        if (result.isSuccess()) {
            lastFailure = null;
            ledger.delivered(spans.size());
            return;
        }
        ExportFailures.Failure failure = ExportFailures.describe(result.getFailureThrowable(), causeWhenUnsaid);
        lastFailure = failure.reason();
        if (spans.isEmpty()) {
            return; // the warm-up: nothing to count
        }
        if (!failure.retryable() || attempt >= MAX_ATTEMPTS || exiting) {
            ledger.lost(spans.size(), failure.reason());
            return;
        }
        long due = System.nanoTime() + (FIRST_BACKOFF_NANOS << (attempt - 1));
        synchronized (retries) {
            // Under a long outage, keep the newest batches: drop the oldest, counted under their own reason.
            while (!retries.isEmpty() && retrySpans + spans.size() > retryCapacitySpans) {
                Retry oldest = retries.pollFirst();
                retrySpans -= oldest.spans().size();
                ledger.lost(oldest.spans().size(), oldest.reason());
            }
            retries.addLast(new Retry(spans, attempt + 1, due, failure.reason()));
            retrySpans += spans.size();
        }
    }

    private Retry nextDueRetry(long now) {
        synchronized (retries) {
            Retry first = retries.peekFirst();
            if (first == null || first.dueNanos() - now > 0 || exiting) {
                return null;
            }
            retrySpans -= first.spans().size();
            return retries.pollFirst();
        }
    }

    private boolean acquire(long deadlineNanos) {
        try {
            return inFlight.tryAcquire(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void acquireAll(long deadlineNanos) {
        try {
            if (inFlight.tryAcquire(MAX_IN_FLIGHT, Math.max(0, deadlineNanos - System.nanoTime()),
                    TimeUnit.NANOSECONDS)) {
                inFlight.release(MAX_IN_FLIGHT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public CompletableResultCode forceFlush() {
        return CompletableResultCode.ofSuccess(); // the exit calls finish(deadline) itself
    }

    @Override
    public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
    }

    /** Why the last export failed, if the last answer was a failure; null otherwise. */
    String lastFailure() {
        return lastFailure;
    }

    /** Names the exporter, with its endpoint, as the SDK's processors do. */
    @Override
    public String toString() {
        return "SpanDelivery{exporter=" + exporter + ", maxExportBatchSize=" + batchSize + ", scheduleDelayNanos="
                + scheduleDelayNanos + "}";
    }
}
