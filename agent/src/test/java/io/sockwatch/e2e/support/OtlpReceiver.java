package io.sockwatch.e2e.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real OTLP/HTTP trace and metrics receiver inside the test: the agent exports to it exactly as to a Collector. As a static
 * {@code @RegisterExtension} field ({@link #forTheClass()}) it serves every test of the class and stops after them.
 */
public final class OtlpReceiver implements AutoCloseable, AfterAllCallback {

    private final HttpServer server;
    private final boolean keepSpans;
    private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicLong spanCount = new AtomicLong();
    /** Instrumentation scopes of the spans of each request that carried a {@code traceparent} header. */
    private final List<List<String>> tracedExports = new CopyOnWriteArrayList<>();
    private final AtomicInteger otherSignalRequests = new AtomicInteger();
    private final List<ReceivedPoint> points = new CopyOnWriteArrayList<>();
    private final AtomicInteger metricRequests = new AtomicInteger();

    public OtlpReceiver() throws IOException {
        this(true);
    }

    /** A receiver that only counts spans, for loads whose spans would not fit in the test's memory. */
    public static OtlpReceiver counting() throws IOException {
        return new OtlpReceiver(false);
    }

    private OtlpReceiver(boolean keepSpans) throws IOException {
        this.keepSpans = keepSpans;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/traces", this::handle);
        server.createContext("/v1/metrics", this::handleMetrics);
        // Logs are taken and dropped: counted, so that a test knows their exporter did connect.
        server.createContext("/v1/logs", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                otherSignalRequests.incrementAndGet();
                exchange.sendResponseHeaders(200, -1);
            }
        });
        server.start();
    }

    /** A receiver for a class's tests, each program keeping to a service of its own; stopped after the last. */
    public static OtlpReceiver forTheClass() {
        try {
            return new OtlpReceiver();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port() + "/v1/traces";
    }

    public String metricsEndpoint() {
        return "http://127.0.0.1:" + port() + "/v1/metrics";
    }

    /** Every metric point received, in order of arrival. */
    public List<ReceivedPoint> points() {
        return List.copyOf(points);
    }

    /** Metrics export requests received. */
    public int metricRequests() {
        return metricRequests.get();
    }

    public List<ReceivedSpan> spans() {
        return List.copyOf(spans);
    }

    /** Requests that carried spans (an exporter may send an empty one to warm up). */
    public int requests() {
        return requests.get();
    }

    /** Every span received, kept or not. */
    public long spanCount() {
        return spanCount.get();
    }

    /** The scopes of each trace export that arrived with a {@code traceparent} header: an export that was traced. */
    public List<List<String>> tracedExports() {
        return List.copyOf(tracedExports);
    }

    /** Metrics and logs export requests received. */
    public int otherSignalRequests() {
        return otherSignalRequests.get() + metricRequests.get();
    }

    public void clear() {
        spans.clear();
    }

    /** Waits until {@code done} holds for the spans received so far, or the timeout passes; returns them. */
    public List<ReceivedSpan> await(Predicate<List<ReceivedSpan>> done, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(spans()) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return spans();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            InputStream body = exchange.getRequestBody();
            if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                body = new GZIPInputStream(body);
            }
            ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body.readAllBytes());
            long count = request.getResourceSpansList().stream().flatMap(rs -> rs.getScopeSpansList().stream())
                    .mapToLong(ScopeSpans::getSpansCount).sum();
            if (count > 0) {
                requests.incrementAndGet();
                spanCount.addAndGet(count);
            }
            if (keepSpans) {
                spans.addAll(decode(request));
            }
            if (exchange.getRequestHeaders().containsKey("traceparent")) {
                tracedExports.add(request.getResourceSpansList().stream()
                        .flatMap(rs -> rs.getScopeSpansList().stream()).map(ss -> ss.getScope().getName()).toList());
            }
            byte[] response = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, response.length == 0 ? -1 : response.length);
            if (response.length > 0) {
                exchange.getResponseBody().write(response);
            }
        }
    }

    private void handleMetrics(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            InputStream body = exchange.getRequestBody();
            if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                body = new GZIPInputStream(body);
            }
            ExportMetricsServiceRequest request = ExportMetricsServiceRequest.parseFrom(body.readAllBytes());
            metricRequests.incrementAndGet();
            if (keepSpans) {
                points.addAll(ReceivedMetrics.decode(request));
            }
            byte[] response = ExportMetricsServiceResponse.getDefaultInstance().toByteArray();
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, response.length == 0 ? -1 : response.length);
            if (response.length > 0) {
                exchange.getResponseBody().write(response);
            }
        }
    }

    static List<ReceivedSpan> decode(ExportTraceServiceRequest request) {
        List<ReceivedSpan> result = new ArrayList<>();
        for (ResourceSpans rs : request.getResourceSpansList()) {
            Map<String, Object> resource = attributes(rs.getResource().getAttributesList());
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                for (Span s : ss.getSpansList()) {
                    List<ReceivedSpan.Event> events = new ArrayList<>();
                    for (Span.Event e : s.getEventsList()) {
                        events.add(new ReceivedSpan.Event(e.getName(), e.getTimeUnixNano(),
                                attributes(e.getAttributesList())));
                    }
                    List<ReceivedSpan.Link> links = new ArrayList<>();
                    for (Span.Link l : s.getLinksList()) {
                        links.add(new ReceivedSpan.Link(hex(l.getTraceId()), hex(l.getSpanId()),
                                attributes(l.getAttributesList())));
                    }
                    result.add(new ReceivedSpan(hex(s.getTraceId()), s.getName(),
                            s.getKind().name().replace("SPAN_KIND_", ""),
                            s.getStatus().getCode().name().replace("STATUS_CODE_", ""),
                            s.getStartTimeUnixNano(), s.getEndTimeUnixNano(), attributes(s.getAttributesList()),
                            events, resource, ss.getScope().getName(), hex(s.getSpanId()),
                            hex(s.getParentSpanId()), links));
                }
            }
        }
        return result;
    }

    private static String hex(com.google.protobuf.ByteString bytes) {
        return HexFormat.of().formatHex(bytes.toByteArray());
    }

    static Map<String, Object> attributes(List<KeyValue> list) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (KeyValue kv : list) {
            map.put(kv.getKey(), value(kv.getValue()));
        }
        return map;
    }

    private static Object value(AnyValue v) {
        return switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case INT_VALUE -> v.getIntValue();
            case BOOL_VALUE -> v.getBoolValue();
            case DOUBLE_VALUE -> v.getDoubleValue();
            case ARRAY_VALUE -> v.getArrayValue().getValuesList().stream().map(OtlpReceiver::value).toList();
            default -> v.toString();
        };
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
