package io.sockwatch.it.support;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/**
 * A real OTLP/HTTP trace receiver inside the test, on {@code 127.0.0.1} and an ephemeral port: the agent exports to
 * it exactly as it would to a Collector. It accepts {@code POST /v1/traces} with
 * {@code Content-Type: application/x-protobuf} (optionally {@code Content-Encoding: gzip}), decodes the
 * {@link ExportTraceServiceRequest} into {@link ReceivedSpan}s and answers 200 with an empty
 * {@link ExportTraceServiceResponse}. Anything else is answered with a 4xx and remembered in {@link #rejections()}.
 */
public final class OtlpTraceReceiver implements AutoCloseable {

    public static final String PATH = "/v1/traces";
    private static final String PROTOBUF = "application/x-protobuf";

    private final HttpServer server;
    private final ExecutorService executor;
    private final Object lock = new Object();
    private final List<ReceivedSpan> spans = new ArrayList<>();
    private final List<String> rejections = new ArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();

    public OtlpTraceReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "otlp-receiver");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The full traces URL, for {@code otel.exporter.otlp.traces.endpoint}. */
    public String endpoint() {
        return "http://127.0.0.1:" + port() + PATH;
    }

    /** Every span received so far, in arrival order. */
    public List<ReceivedSpan> spans() {
        synchronized (lock) {
            return List.copyOf(spans);
        }
    }

    /** How many export requests were accepted (answered 200). */
    public int requests() {
        return requests.get();
    }

    /** One line per request that was not a valid OTLP/HTTP protobuf trace export. */
    public List<String> rejections() {
        synchronized (lock) {
            return List.copyOf(rejections);
        }
    }

    public void clear() {
        synchronized (lock) {
            spans.clear();
            rejections.clear();
        }
        requests.set(0);
    }

    /**
     * Waits until {@code done} holds for the list of spans received so far, or {@code timeout} passes. Returns the
     * spans received by then either way: the caller asserts on them, with diagnostics.
     */
    public List<ReceivedSpan> awaitSpans(Predicate<? super List<ReceivedSpan>> done, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (true) {
                List<ReceivedSpan> now = List.copyOf(spans);
                if (done.test(now)) {
                    return now;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return now;
                }
                lock.wait(Math.max(1, Math.min(left / 1_000_000, 100)));
            }
        }
    }

    /** Waits until at least {@code count} received spans match {@code matching}; see {@link #awaitSpans}. */
    public List<ReceivedSpan> awaitCount(Predicate<? super ReceivedSpan> matching, int count, Duration timeout)
            throws InterruptedException {
        return awaitSpans(all -> all.stream().filter(matching).count() >= count, timeout);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String problem = problem(exchange);
            if (problem != null) {
                return;
            }
            InputStream body = exchange.getRequestBody();
            String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
            if (encoding != null && encoding.trim().equalsIgnoreCase("gzip")) {
                body = new GZIPInputStream(body);
            }
            ExportTraceServiceRequest request;
            try {
                request = ExportTraceServiceRequest.parseFrom(body.readAllBytes());
            } catch (InvalidProtocolBufferException | java.util.zip.ZipException e) {
                reject(exchange, 400, "undecodable body: " + e);
                return;
            }
            List<ReceivedSpan> decoded = decode(request);
            synchronized (lock) {
                spans.addAll(decoded);
                requests.incrementAndGet();
                lock.notifyAll();
            }
            byte[] response = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
            exchange.getResponseHeaders().set("Content-Type", PROTOBUF);
            // An empty message encodes to zero bytes; -1 tells HttpServer there is no body (0 would mean chunked).
            exchange.sendResponseHeaders(200, response.length == 0 ? -1 : response.length);
            if (response.length > 0) {
                exchange.getResponseBody().write(response);
            }
        }
    }

    /** Rejects what is not an OTLP/HTTP protobuf trace export; returns null when the request is acceptable. */
    private String problem(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (!PATH.equals(path)) {
            return reject(exchange, 404, exchange.getRequestMethod() + " " + path + ": not " + PATH);
        }
        if (!"POST".equals(exchange.getRequestMethod())) {
            exchange.getResponseHeaders().set("Allow", "POST");
            return reject(exchange, 405, exchange.getRequestMethod() + " " + path + ": only POST");
        }
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        String mediaType = type == null ? "" : type.split(";")[0].trim().toLowerCase(Locale.ROOT);
        if (!PROTOBUF.equals(mediaType)) {
            return reject(exchange, 415, "Content-Type " + type + ": only " + PROTOBUF);
        }
        String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
        if (encoding != null && !encoding.isBlank() && !encoding.trim().equalsIgnoreCase("gzip")
                && !encoding.trim().equalsIgnoreCase("identity")) {
            return reject(exchange, 415, "Content-Encoding " + encoding + ": only gzip or none");
        }
        return null;
    }

    private String reject(HttpExchange exchange, int status, String why) throws IOException {
        synchronized (lock) {
            rejections.add(status + " " + why);
            lock.notifyAll();
        }
        exchange.getRequestBody().readAllBytes();
        byte[] body = why.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
        return why;
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
                    result.add(new ReceivedSpan(hex(s.getTraceId()), hex(s.getSpanId()), hex(s.getParentSpanId()),
                            s.getName(), enumName(s.getKind().name(), "SPAN_KIND_"),
                            enumName(s.getStatus().getCode().name(), "STATUS_CODE_"), s.getStatus().getMessage(),
                            s.getStartTimeUnixNano(), s.getEndTimeUnixNano(), attributes(s.getAttributesList()),
                            events, resource, ss.getScope().getName()));
                }
            }
        }
        return result;
    }

    private static String hex(ByteString bytes) {
        return HexFormat.of().formatHex(bytes.toByteArray());
    }

    private static String enumName(String name, String prefix) {
        return name.startsWith(prefix) ? name.substring(prefix.length()) : name;
    }

    private static Map<String, Object> attributes(List<KeyValue> list) {
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
            case ARRAY_VALUE -> v.getArrayValue().getValuesList().stream().map(OtlpTraceReceiver::value).toList();
            case KVLIST_VALUE -> java.util.Collections.unmodifiableMap(attributes(v.getKvlistValue().getValuesList()));
            case BYTES_VALUE -> hex(v.getBytesValue());
            case VALUE_NOT_SET -> "";
        };
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
