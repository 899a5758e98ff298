package io.sockwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.sockwatch.e2e.scenarios.Paced;
import io.sockwatch.e2e.scenarios.SocketScenarios;
import io.sockwatch.e2e.support.AgentJvm;
import io.sockwatch.e2e.support.Jdks;
import io.sockwatch.e2e.support.OtlpGrpcReceiver;
import io.sockwatch.e2e.support.OtlpReceiver;
import io.sockwatch.e2e.support.ReceivedSpan;
import io.sockwatch.e2e.support.ScenarioLine;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each way the jar exports, from a forked JVM to a real receiver: OTLP over gRPC and over http/protobuf, and
 * Zipkin, all through the relocated OkHttp; never through the JDK HttpClient.
 */
class ExportProtocolsIT {

    static List<Path> jdks() {
        return Jdks.all();
    }

    private static ReceivedSpan span(List<ReceivedSpan> spans, String kind, String portKey, long port, String why) {
        List<ReceivedSpan> found = spans.stream()
                .filter(s -> s.kind().equals(kind) && Long.valueOf(port).equals(s.number(portKey))).toList();
        assertEquals(1, found.size(), kind + " span with " + portKey + "=" + port + why);
        return found.get(0);
    }

    private static void assertCleanOutput(AgentJvm.Result result, String why) {
        assertEquals(0, result.exitCode(), why);
        assertFalse(result.output().contains("sockwatch: OpenTelemetry configuration error"), why);
        assertFalse(result.output().contains("SenderProvider"), "no sender missing or chosen among two: " + why);
        assertFalse(result.output().contains("Failed to export"), why);
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource("jdks")
    void spansArriveOverGrpcAndTheExportConnectionsAreNotObserved(Path jdk) throws Exception {
        try (OtlpGrpcReceiver receiver = new OtlpGrpcReceiver()) {
            // Two batches 1.5 s apart: the receiver hangs up after the first call, so the exporter's first
            // connection has ended, and would have its span in the second batch, if sockwatch observed it.
            AgentJvm.Result result = new AgentJvm(jdk).exportingTo(receiver, "grpc-export")
                    .run(Paced.class, "1500", "peer_fin", "linger_reset");
            // The agent's last export is answered before its JVM exits: once here, nothing else can follow.
            List<ReceivedSpan> spans = receiver.await(s -> s.size() >= 4, Duration.ofSeconds(10));
            String why = result.explain(spans) + "\n--- rejected ---\n" + receiver.rejected();
            assertCleanOutput(result, why);
            assertEquals(List.of(), receiver.rejected(), "every call is a well-formed TraceService/Export" + why);
            assertTrue(receiver.connections() >= 2 && receiver.requests() >= 2,
                    "a second export over a new connection after the hang-up: connections="
                            + receiver.connections() + " requests=" + receiver.requests() + why);

            long peerFin = ScenarioLine.of(result, "peer_fin").clientPort();
            long reset = ScenarioLine.of(result, "linger_reset").clientPort();
            assertEquals("peer_fin", span(spans, "CLIENT", "network.local.port", peerFin, why)
                    .string("socket.close.origin"), why);
            assertEquals("local_close", span(spans, "SERVER", "network.peer.port", peerFin, why)
                    .string("socket.close.origin"), why);
            ReceivedSpan resetClient = span(spans, "CLIENT", "network.local.port", reset, why);
            assertEquals("peer_rst", resetClient.string("socket.close.origin"), why);
            assertEquals("ERROR", resetClient.status(), why);
            assertEquals("local_close", span(spans, "SERVER", "network.peer.port", reset, why)
                    .string("socket.close.origin"), why);
            assertTrue(spans.stream().allMatch(s -> s.name().equals("socket.connection")
                    && "grpc-export".equals(s.resource().get("service.name"))), why);

            long port = receiver.port();
            List<ReceivedSpan> toReceiver = spans.stream()
                    .filter(s -> Long.valueOf(port).equals(s.number("network.peer.port"))
                            || Long.valueOf(port).equals(s.number("server.port"))
                            || Long.valueOf(port).equals(s.number("network.local.port"))).toList();
            assertEquals(List.of(), toReceiver, "no span for the gRPC exporter's own connections" + why);
            assertEquals(4, spans.size(), "exactly the two scenarios' clients and servers" + why);
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource("jdks")
    void httpProtobufExportNeverLoadsTheJdkHttpClient(Path jdk) throws Exception {
        // The OpenTelemetry Java agent instruments the JDK HttpClient (it would trace sockwatch's export), and its
        // selector thread would hold the JVM's exit up to 300 ms: sockwatch exports through its relocated OkHttp.
        Path classLog = Files.createTempFile("sockwatch-classes-", ".log");
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            AgentJvm.Result result = new AgentJvm(jdk).exportingTo(receiver, "http-export")
                    .arg("-Xlog:class+load=info:file=" + classLog)
                    .run(SocketScenarios.class, "peer_fin");
            List<ReceivedSpan> spans = receiver.await(s -> s.size() >= 2, Duration.ofSeconds(10));
            String why = result.explain(spans);
            assertCleanOutput(result, why);
            assertEquals(2, spans.size(), why);
            List<String> loaded = Files.readAllLines(classLog);
            assertTrue(loaded.stream().anyMatch(l -> l.contains(".exporter.sender.okhttp.internal.OkHttpHttpSender ")),
                    "exported by the OkHttp sender" + why);
            List<String> jdkClient = loaded.stream().filter(l -> l.contains(" jdk.internal.net.http.")).toList();
            assertEquals(List.of(), jdkClient, "the JDK HttpClient is not loaded" + why);
        } finally {
            Files.deleteIfExists(classLog);
        }
    }

    private static int spanCount(String zipkinJson) {
        return zipkinJson.split("\"name\":\"socket\\.connection\"", -1).length - 1;
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource("jdks")
    void zipkinExportRunsOnTheOkHttpTheGrpcSenderBrought(Path jdk) throws Exception {
        List<String> bodies = new CopyOnWriteArrayList<>();
        HttpServer zipkin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        zipkin.createContext("/api/v2/spans", exchange -> {
            try (exchange) {
                InputStream body = exchange.getRequestBody();
                if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                    body = new GZIPInputStream(body);
                }
                bodies.add(new String(body.readAllBytes(), StandardCharsets.UTF_8));
                exchange.sendResponseHeaders(202, -1);
            }
        });
        zipkin.start();
        try {
            int port = zipkin.getAddress().getPort();
            AgentJvm.Result result = new AgentJvm(jdk).arg("-Dotel.traces.exporter=zipkin")
                    .arg("-Dotel.exporter.zipkin.endpoint=http://127.0.0.1:" + port + "/api/v2/spans")
                    .arg("-Dotel.bsp.schedule.delay=200").arg("-Dotel.service.name=zipkin-export")
                    .run(SocketScenarios.class, "peer_fin");
            // Until both spans are in; the last export is answered before the JVM exits, so nothing can follow.
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (spanCount(String.join("\n", bodies)) < 2 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            String json = String.join("\n", bodies);
            String why = "\n--- child output ---\n" + result.output() + "\n--- zipkin ---\n" + json;
            assertCleanOutput(result, why);
            long client = ScenarioLine.of(result, "peer_fin").clientPort();
            // Zipkin v2 JSON: attributes are string tags.
            assertTrue(json.matches("(?s).*\"network\\.local\\.port\":\"" + client + "\".*"), why);
            assertEquals(2, spanCount(json), why);
            assertTrue(json.contains("\"socket.close.origin\":\"peer_fin\""), why);
            assertFalse(json.matches("(?s).*\\.port\":\"" + port + "\".*"), "the Zipkin export is not observed" + why);
        } finally {
            zipkin.stop(0);
        }
    }
}
