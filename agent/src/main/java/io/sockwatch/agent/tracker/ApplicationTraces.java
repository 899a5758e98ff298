package io.sockwatch.agent.tracker;

/**
 * The application's tracing, as the tracker sees it: whatever span is current on the calling thread, kept as an
 * opaque object that only the export side reads, and whether the calling thread is another telemetry agent's
 * export. Asked only at connect, accept, the signal that decides an ending, and close; never on a read or write
 * that moves bytes.
 */
public interface ApplicationTraces {

    /** No tracing in the process: nothing is captured, every thread is the application's. */
    ApplicationTraces NONE = new ApplicationTraces() {
        @Override
        public Object currentSpan() {
            return null;
        }

        @Override
        public boolean isOtherAgentsExport() {
            return false;
        }

        @Override
        public SpanIds ids(Object span) {
            return null;
        }
    };

    /** A captured span's identity, read on the export thread: hex ids as OpenTelemetry writes them. */
    record SpanIds(String traceId, String spanId, boolean sampled) {
    }

    /** The span context current on this thread, or null when there is none (or it is not valid). */
    Object currentSpan();

    /** Whether this thread sends another agent's telemetry (the OpenTelemetry Java agent's exporter). */
    boolean isOtherAgentsExport();

    /** What {@link #currentSpan} captured, or null if it cannot be read. */
    SpanIds ids(Object span);
}
