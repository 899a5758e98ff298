package io.sockwatch.agent.export;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.sockwatch.bootstrap.SocketBridge;
import java.util.Collection;

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
        SocketBridge.markAgentWork(true);
        try {
            return delegate.export(spans);
        } finally {
            SocketBridge.markAgentWork(false);
        }
    }

    @Override
    public CompletableResultCode flush() {
        SocketBridge.markAgentWork(true);
        try {
            return delegate.flush();
        } finally {
            SocketBridge.markAgentWork(false);
        }
    }

    @Override
    public CompletableResultCode shutdown() {
        SocketBridge.markAgentWork(true);
        try {
            return delegate.shutdown();
        } finally {
            SocketBridge.markAgentWork(false);
        }
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}
