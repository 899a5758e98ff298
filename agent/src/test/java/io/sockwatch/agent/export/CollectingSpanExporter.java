package io.sockwatch.agent.export;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.List;

/** Keeps every exported span in the list it was given, for a test to read. */
final class CollectingSpanExporter implements SpanExporter {

    private final List<SpanData> into;

    CollectingSpanExporter(List<SpanData> into) {
        this.into = into;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        into.addAll(spans);
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
    }
}
