package io.sockwatch.agent.export;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.sockwatch.bootstrap.SocketBridge;
import java.util.Collection;
import java.util.function.Supplier;

/**
 * Marks the exporting thread as sockwatch's own while the wrapped exporter runs, so that connections the
 * exporter opens on that thread are never observed (no feedback loop). Connections it opens on other threads
 * are excluded by endpoint instead (see {@link ExporterEndpoints}).
 */
final class AgentWorkSpanExporter implements SpanExporter {

    private final SpanExporter delegate;

    AgentWorkSpanExporter(SpanExporter delegate) {
        this.delegate = delegate;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        return asAgentWork(() -> delegate.export(spans));
    }

    @Override
    public CompletableResultCode flush() {
        return asAgentWork(delegate::flush);
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
        return asAgentWork(delegate::shutdown);
    }

    /** The export thread stays marked afterwards; any other thread is unmarked again. */
    static <T> T asAgentWork(Supplier<T> work) {
        boolean was = SocketBridge.isAgentWork();
        SocketBridge.markAgentWork(true);
        try {
            return work.get();
        } finally {
            SocketBridge.markAgentWork(was);
        }
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}
