package io.sockwatch.agent.export;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.PrintStream;
import java.util.Collection;

/**
 * {@code otel.traces.exporter=console}: one readable line per connection on standard error.
 *
 * <p>Replaces the SDK's java.util.logging exporter because JUL shuts its handlers down in its own shutdown hook,
 * which races with the final flush and loses the last spans of a short-lived program.
 */
final class ConsoleSpanExporter implements SpanExporter {

    private final PrintStream out;

    ConsoleSpanExporter(PrintStream out) {
        this.out = out;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        StringBuilder lines = new StringBuilder();
        for (SpanData span : spans) {
            format(span, lines);
            lines.append('\n');
        }
        out.print(lines);
        out.flush();
        return CompletableResultCode.ofSuccess();
    }

    static void format(SpanData span, StringBuilder line) {
        Attributes a = span.getAttributes();
        line.append("sockwatch: ").append(span.getName()).append(' ').append(span.getKind())
                .append(' ').append(address(a, "network.local.address", "network.local.port"))
                .append(" -> ").append(address(a, "network.peer.address", "network.peer.port"));
        String server = a.get(AttributeKey.stringKey("server.address"));
        if (server != null) {
            Long port = a.get(AttributeKey.longKey("server.port"));
            line.append(" (").append(server).append(port == null ? "" : ":" + port).append(')');
        }
        line.append(" origin=").append(a.get(AttributeKey.stringKey("socket.close.origin")))
                .append(" reason=").append(a.get(AttributeKey.stringKey("socket.close.reason")))
                .append(" detected_by=").append(a.get(AttributeKey.stringKey("socket.close.detected_by")));
        if (!span.getName().startsWith(ConnectionSpans.ENDING_SPAN_NAME)) { // the request's view: no counts of its own
            line.append(" read=").append(a.get(AttributeKey.longKey("socket.bytes.read")))
                    .append(" written=").append(a.get(AttributeKey.longKey("socket.bytes.written")))
                    .append(" idle_ms=").append(a.get(AttributeKey.longKey("socket.idle_ms")));
        }
        line.append(" duration_ms=").append((span.getEndEpochNanos() - span.getStartEpochNanos()) / 1_000_000)
                .append(" status=").append(span.getStatus().getStatusCode())
                .append(" trace_id=").append(span.getTraceId());
        if (span.getParentSpanContext().isValid()) {
            line.append(" parent_span_id=").append(span.getParentSpanId());
        }
        String error = a.get(AttributeKey.stringKey("error.type"));
        if (error != null) {
            line.append(" error.type=").append(error);
        }
    }

    private static String address(Attributes a, String address, String port) {
        String host = a.get(AttributeKey.stringKey(address));
        if ("unix".equals(a.get(AttributeKey.stringKey("network.transport")))) {
            return host == null ? "(unnamed)" : host; // a socket file, or an unbound end; never a port
        }
        Long p = a.get(AttributeKey.longKey(port));
        return (host == null ? "?" : host) + ":" + (p == null ? "?" : p);
    }

    @Override
    public CompletableResultCode flush() {
        out.flush();
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        return flush();
    }
}
