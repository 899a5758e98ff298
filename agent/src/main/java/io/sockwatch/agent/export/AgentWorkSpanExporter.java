package io.sockwatch.agent.export;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.sockwatch.agent.tracker.AgentWork;
import java.util.Collection;

/**
 * Marks the exporting thread as sockwatch's own while the wrapped exporter runs, so that connections the
 * exporter opens on that thread are never observed (no feedback loop). Connections it opens on other threads
 * are excluded by endpoint instead (see {@link ExporterEndpoints}).
 */
final class AgentWorkSpanExporter implements SpanExporter {

    private final SpanExporter delegate;
    private final boolean sendsToACollector;
    private final ExportHealth health;

    AgentWorkSpanExporter(SpanExporter delegate, boolean sendsToACollector, ExportHealth health) {
        this.delegate = delegate;
        this.sendsToACollector = sendsToACollector;
        this.health = health;
    }

    /** False for the exporters that write to the console: nothing to warm up or to be unreachable. */
    boolean sendsToACollector() {
        return sendsToACollector;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        // Counted for sockwatch.export.failed; SpanDelivery decides what the failure means for the spans.
        return health.exportAsAgentWork(ExportHealth.TRACES, () -> delegate.export(spans));
    }

    @Override
    public CompletableResultCode flush() {
        return AgentWork.run(delegate::flush);
    }

    /**
     * Does nothing: the SDK's own processors, which sockwatch replaces by {@link SpanDelivery}, shut their
     * exporter down when they are discarded; the exporter must outlive them. {@link #shutdownExporter} is the
     * real one.
     */
    @Override
    public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
    }

    CompletableResultCode shutdownExporter() {
        return AgentWork.run(delegate::shutdown);
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}
