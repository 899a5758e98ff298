package io.sockwatch.agent.export;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where every ended connection's span went: delivered, or lost for a named reason. Nothing is lost silently:
 * at exit, whatever was handed to the pipeline and is neither delivered nor lost is counted as cut off by the
 * exit budget, so the reported total is exactly what a receiver did not get.
 */
public final class DeliveryLedger {

    /** Reasons that are sockwatch's own, not the collector's. */
    static final String QUEUE_FULL = "export queue full (sockwatch.queue.size)";
    static final String BUILD_FAILED = "span could not be built (internal error)";
    static final String RETRY_BUFFER_FULL = "retry buffer full";

    private final LongAdder handed = new LongAdder();
    private final LongAdder notExported = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final Map<String, AtomicLong> lost = new ConcurrentHashMap<>();

    /** A connection ended and was offered to the pipeline. */
    void handed() {
        handed.increment();
    }

    /** A connection that, by configuration, has no span to deliver (exporter none, spans=errors, not sampled). */
    void notExported(long n) {
        notExported.add(n);
    }

    void delivered(long n) {
        delivered.add(n);
    }

    void lost(long n, String reason) {
        if (n > 0) {
            lost.computeIfAbsent(reason, r -> new AtomicLong()).addAndGet(n);
        }
    }

    public long handedCount() {
        return handed.sum();
    }

    public long deliveredCount() {
        return delivered.sum();
    }

    /** Connections lost so far, by reason, in a stable order. */
    public Map<String, Long> lostByReason() {
        Map<String, Long> copy = new TreeMap<>();
        lost.forEach((reason, n) -> copy.put(reason, n.get()));
        return copy;
    }

    /** Connections neither delivered, lost nor exempt: still queued, batched or in flight. */
    public long pending() {
        long accounted = delivered.sum() + notExported.sum();
        for (AtomicLong n : lost.values()) {
            accounted += n.get();
        }
        return Math.max(0, handed.sum() - accounted);
    }

    /**
     * At exit: counts what is still pending as lost for {@code reason}, and returns the one line that says how
     * many connections were not delivered and why, or null when every one was.
     */
    public String closeBooks(String pendingReason) {
        lost(pending(), pendingReason);
        Map<String, Long> byReason = lostByReason();
        long total = byReason.values().stream().mapToLong(Long::longValue).sum();
        if (total == 0) {
            return null;
        }
        StringBuilder line = new StringBuilder("sockwatch: ").append(total).append(" of ")
                .append(handed.sum() - notExported.sum()).append(" connection spans not delivered: ");
        String sep = "";
        for (Map.Entry<String, Long> e : byReason.entrySet()) {
            line.append(sep).append(e.getValue()).append(' ').append(e.getKey());
            sep = ", ";
        }
        return line.toString();
    }
}
