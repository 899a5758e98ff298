package io.sockwatch.agent.export;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.sockwatch.agent.tracker.AgentWork;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * sockwatch's own export failures, by signal and by a short cause ({@code sockwatch.export.failed}): counted where the
 * collector's answer arrives, on whichever thread that is.
 */
final class ExportHealth {

    /**
     * Runs one export request of {@code signal} as sockwatch's own work (its connections are never observed) and
     * counts it as failed if it does not succeed.
     */
    CompletableResultCode exportAsAgentWork(String signal, Supplier<CompletableResultCode> export) {
        CompletableResultCode result = AgentWork.run(export);
        result.whenComplete(() -> {
            if (!result.isSuccess()) {
                failed(signal, result.getFailureThrowable());
            }
        });
        return result;
    }

    /** Signal and cause of a failed request. */
    record Key(String signal, String errorType) {
    }

    static final String TRACES = "traces";
    static final String METRICS = "metrics";

    private final Map<Key, LongAdder> failed = new ConcurrentHashMap<>();

    void failed(String signal, Throwable failure) {
        String reason = ExportFailures.describe(failure, () -> null).reason();
        failed.computeIfAbsent(new Key(signal, errorType(reason)), k -> new LongAdder()).increment();
    }

    Map<Key, Long> failures() {
        Map<Key, Long> copy = new TreeMap<>((a, b) -> (a.signal() + a.errorType()).compareTo(b.signal() + b.errorType()));
        failed.forEach((k, n) -> copy.put(k, n.sum()));
        return copy;
    }

    /** The closed set of causes, from the words {@link ExportFailures} uses for an operator. */
    static String errorType(String reason) {
        if (reason.startsWith("endpoint unreachable")) {
            return "unreachable";
        }
        if (reason.startsWith("timed out")) {
            return "timeout";
        }
        if (reason.startsWith("rejected")) {
            return "rejected";
        }
        if (reason.startsWith("TLS")) {
            return "tls";
        }
        return "other";
    }

    /** The closed set of {@code sockwatch.span.dropped} causes, from the ledger's reasons. */
    static String droppedType(String ledgerReason) {
        if (ledgerReason.equals(DeliveryLedger.QUEUE_FULL)) {
            return "queue_full";
        }
        if (ledgerReason.equals(DeliveryLedger.BUILD_FAILED)) {
            return "build_failed";
        }
        return "export_failed";
    }
}
