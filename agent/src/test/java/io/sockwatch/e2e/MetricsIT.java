package io.sockwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockwatch.e2e.scenarios.Churn;
import io.sockwatch.e2e.scenarios.MetricsMix;
import io.sockwatch.e2e.support.AgentJvm;
import io.sockwatch.e2e.support.Jdks;
import io.sockwatch.e2e.support.OtlpReceiver;
import io.sockwatch.e2e.support.ReceivedMetrics;
import io.sockwatch.e2e.support.ReceivedPoint;
import io.sockwatch.e2e.support.ReceivedSpan;
import io.sockwatch.e2e.support.ScenarioLine;
import io.sockwatch.e2e.support.ServiceSpans;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The metrics of docs/telemetry.md in forked JVMs with the real agent jar, exported over real OTLP/HTTP at exit (the
 * export interval is left at its 60 s: every point here left with the exit's flush).
 */
class MetricsIT {

    @RegisterExtension
    static final OtlpReceiver receiver = OtlpReceiver.forTheClass();

    static List<Path> jdks() {
        return Jdks.all();
    }

    /** role origin/reason → endings the mix of {@link MetricsMix} makes. */
    private static Map<String, Long> expectedEndings() {
        Map<String, Long> e = new TreeMap<>();
        e.put("client peer_fin/eof", 3L);          // peer_fin: the server closed first
        e.put("server local_close/close", 3L + 2); // peer_fin and linger_reset: the server closed
        e.put("client peer_rst/reset", 2L);        // linger_reset
        e.put("client timeout/read_timeout", 2L);  // read_timeout
        e.put("server peer_fin/eof", 2L + 1 + 1);  // read_timeout, leaked and idle: the client's FIN
        e.put("client peer_rst/refused", 4L);      // refused
        e.put("client leaked/gc", 1L);             // leaked
        e.put("client local_close/close", 1L);     // idle
        return e;
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource("jdks")
    void aKnownMixOfEndingsGivesExactlyThoseCounts(Path jdk) throws Exception {
        String service = "metrics-mix-" + Jdks.version(jdk);
        AgentJvm.Result result = new AgentJvm(jdk).exportingTo(receiver, service)
                .arg("-Dsockwatch.close.grace=200ms").run(MetricsMix.class);
        assertEquals(0, result.exitCode(), result.output());
        Map<String, Long> expected = expectedEndings();
        long endings = expected.values().stream().mapToLong(Long::longValue).sum();
        List<ReceivedSpan> spans = ServiceSpans.await(receiver, service, (int) endings, result).all();
        List<ReceivedPoint> points = awaitPoints(service, "sockwatch.connection.ended", endings);
        String why = "\n--- points ---\n" + points.stream().map(ReceivedPoint::toString)
                .collect(Collectors.joining("\n")) + result.explain(spans);

        // Exactly the endings the program made, by role, origin and reason.
        Map<String, Long> byEnding = new TreeMap<>();
        for (ReceivedPoint p : ReceivedMetrics.of(points, "sockwatch.connection.ended", x -> true)) {
            byEnding.merge(p.string("socket.role") + " " + p.string("socket.close.origin") + "/"
                    + p.string("socket.close.reason"), p.value(), Long::sum);
            assertEquals("SUM", p.type(), why);
            assertTrue(p.monotonic(), why);
            assertEquals("{connection}", p.unit(), why);
            assertEquals("io.sockwatch", p.scope(), why);
            assertEquals("java.net.Socket", p.string("socket.api"), why);
            assertEquals("tcp", p.string("network.transport"), why);
        }
        assertEquals(expected, byEnding, why);

        // The spans say the same.
        Map<String, Long> bySpan = spans.stream().filter(s -> s.name().equals("socket.connection"))
                .collect(Collectors.groupingBy(s -> s.kind().toLowerCase() + " " + s.string("socket.close.origin")
                        + "/" + s.string("socket.close.reason"), TreeMap::new, Collectors.counting()));
        assertEquals(byEnding, bySpan, "metrics and spans agree" + why);

        // The peer service: what the client asked for; for a server its listening port, never the client's.
        Set<Long> listening = ScenarioLine.all(result).stream().map(ScenarioLine::serverPort)
                .collect(Collectors.toSet());
        for (ReceivedPoint p : points) {
            if ("server".equals(p.string("socket.role"))) {
                assertTrue(listening.contains((Long) p.attributes().get("server.port")), "a listening port: " + p + why);
                assertFalse(p.attributes().containsKey("server.address"), p + why);
            } else if ("client".equals(p.string("socket.role"))) {
                assertTrue(Set.of("localhost", "127.0.0.1").contains(p.string("server.address")), p + why);
                assertTrue(listening.contains((Long) p.attributes().get("server.port")), p + why);
            }
            assertFalse(p.attributes().containsKey("network.peer.port"), p + why);
            assertFalse(p.attributes().containsKey("otel.metric.overflow"), p + why);
        }

        // Durations and idle times for the established ones; the failed connects apart.
        long refused = expected.get("client peer_rst/refused");
        long established = endings - refused;
        assertEquals(established, ReceivedMetrics.total(points, "sockwatch.connection.duration", p -> true), why);
        assertEquals(established, ReceivedMetrics.total(points, "sockwatch.connection.idle_time", p -> true), why);
        assertEquals(refused, ReceivedMetrics.total(points, "sockwatch.connect.failed",
                p -> "refused".equals(p.string("error.type"))), why);
        assertEquals(refused, ReceivedMetrics.total(points, "sockwatch.connect.failed", p -> true), why);
        long clientConnects = expected.entrySet().stream().filter(e -> e.getKey().startsWith("client "))
                .mapToLong(Map.Entry::getValue).sum();
        assertEquals(clientConnects, ReceivedMetrics.total(points, "sockwatch.connect.duration", p -> true), why);
        assertEquals(clientConnects - refused, ReceivedMetrics.total(points, "sockwatch.connect.duration",
                p -> p.string("error.type") == null), why);

        // Every connection counted open was counted closed: each series of the up-down counter is back at 0.
        List<ReceivedPoint> open = ReceivedMetrics.of(points, "sockwatch.connection.count", p -> true);
        assertFalse(open.isEmpty(), why);
        for (ReceivedPoint p : open) {
            assertEquals(0, p.value(), "no connection is open at exit: " + p + why);
            assertFalse(p.monotonic(), why);
        }

        // The idle connection: 1.5 s idle and 1.5 s long, in the (1, 5] buckets of their own boundaries.
        ReceivedPoint idle = single(ReceivedMetrics.of(points, "sockwatch.connection.idle_time",
                p -> "client".equals(p.string("socket.role")) && "local_close".equals(p.string("socket.close.origin"))),
                why);
        assertEquals(List.of(0.01, 0.1, 1.0, 5.0, 10.0, 30.0, 32.0, 60.0, 62.0, 120.0, 300.0, 350.0, 355.0, 600.0,
                900.0, 905.0, 1800.0, 3600.0, 3610.0, 7200.0), idle.bounds(), why);
        assertEquals("s", idle.unit(), why);
        assertEquals(1, idle.count(), why);
        assertEquals(1, idle.inBucketUpTo(5.0), "idle " + idle.sum() + " s" + why);
        assertTrue(idle.sum() >= MetricsMix.IDLE_MILLIS / 1000.0 && idle.sum() < 5, why);
        ReceivedPoint lasted = single(ReceivedMetrics.of(points, "sockwatch.connection.duration",
                p -> "client".equals(p.string("socket.role")) && "local_close".equals(p.string("socket.close.origin"))),
                why);
        assertEquals(1, lasted.inBucketUpTo(5.0), "lasted " + lasted.sum() + " s" + why);
        // The read timeouts: 200 ms without I/O on the client, in (0.1, 1].
        assertEquals(2, ReceivedMetrics.of(points, "sockwatch.connection.idle_time",
                p -> "timeout".equals(p.string("socket.close.origin"))).stream()
                .mapToLong(p -> p.inBucketUpTo(1.0)).sum(), why);

        // sockwatch's own health: nothing lost, nothing failed (absent or zero).
        assertEquals(0, ReceivedMetrics.total(points, "sockwatch.span.dropped", p -> true), why);
        assertEquals(0, ReceivedMetrics.total(points, "sockwatch.export.failed", p -> true), why);
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource("jdks")
    void thousandsOfPeersStayWithinTheCapAndEveryEndingIsCounted(Path jdk) throws Exception {
        int peers = 3_000;
        String service = "metrics-peers-" + Jdks.version(jdk);
        // Metrics only (sockwatch.spans=none): not one span, every ending counted.
        AgentJvm.Result result = new AgentJvm(jdk).exportingTo(receiver, service).arg("-Dsockwatch.spans=none")
                .run(MetricsMix.class, "peers", String.valueOf(peers));
        assertEquals(0, result.exitCode(), result.output());
        assertEquals(List.of("PEERS refused=" + peers), result.lines("PEERS refused=").stream()
                .map(l -> l.substring(0, l.indexOf(" port="))).toList(), result.output());
        List<ReceivedPoint> points = awaitPoints(service, "sockwatch.connection.ended", peers);
        String why = "\n" + result.output();
        for (String metric : List.of("sockwatch.connection.ended", "sockwatch.connect.failed",
                "sockwatch.connect.duration")) {
            List<ReceivedPoint> series = ReceivedMetrics.of(points, metric, p -> true);
            List<ReceivedPoint> overflow = series.stream().filter(p -> "_OTHER".equals(p.string("server.address")))
                    .toList();
            assertEquals(1000, series.size() - overflow.size(), metric + ": the default cap of attribute sets with a "
                    + "peer" + why);
            assertEquals(1, overflow.size(), metric + ": one overflow bucket" + why);
            assertFalse(overflow.get(0).attributes().containsKey("server.port"), overflow.get(0).toString());
            assertEquals(peers - 1000, overflow.get(0).type().equals("HISTOGRAM") ? overflow.get(0).count()
                    : overflow.get(0).value(), metric + why);
            assertEquals(peers, ReceivedMetrics.total(points, metric, p -> true), metric + why);
            assertTrue(series.stream().noneMatch(p -> p.attributes().containsKey("otel.metric.overflow")),
                    metric + ": the SDK's own overflow is never reached" + why);
        }
        assertEquals(0, receiver.spans().stream().filter(s -> service.equals(s.resource().get("service.name")))
                .count(), "sockwatch.spans=none exports no span");
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource("jdks")
    void thePeriodicMetricsExportIsNeverObserved(Path jdk) throws Exception {
        String service = "metrics-periodic-" + Jdks.version(jdk);
        int before = receiver.metricRequests();
        // Churn 20/s for 1 s and 2 at once, then 2.5 s more: a metrics export every 300 ms, all through the run.
        AgentJvm.Result result = new AgentJvm(jdk).exportingTo(receiver, service)
                .arg("-Dotel.metric.export.interval=300ms").arg("-Dsockwatch.close.grace=100ms")
                .run(Churn.class, "20", "1", "2", "2500");
        assertEquals(0, result.exitCode(), result.output());
        long endings = 2 * (20 + 2);
        List<ReceivedPoint> points = awaitPoints(service, "sockwatch.connection.ended", endings);
        String why = "\n" + points.stream().map(ReceivedPoint::toString).collect(Collectors.joining("\n"))
                + "\n" + result.output();
        assertTrue(receiver.metricRequests() - before >= 5, "periodic exports: " + (receiver.metricRequests() - before));
        assertEquals(endings, ReceivedMetrics.total(points, "sockwatch.connection.ended", p -> true),
                "the program's connections, and not one of the exporter's" + why);
        assertTrue(points.stream().noneMatch(p -> Long.valueOf(receiver.port()).equals(p.attributes()
                .get("server.port"))), "no series towards the collector" + why);
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource("jdks")
    void sockwatchsOwnHealthCountsTheSpansATracesCollectorRejected(Path jdk) throws Exception {
        // A traces collector that rejects every request (400: not worth a retry); the metrics go to the receiver.
        HttpServer rejecting = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        rejecting.createContext("/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                exchange.sendResponseHeaders(400, -1);
            }
        });
        rejecting.start();
        try {
            String service = "metrics-health-" + Jdks.version(jdk);
            AgentJvm.Result result = new AgentJvm(jdk)
                    .arg("-Dotel.exporter.otlp.traces.endpoint=http://127.0.0.1:" + rejecting.getAddress().getPort()
                            + "/v1/traces")
                    .arg("-Dotel.exporter.otlp.metrics.endpoint=" + receiver.metricsEndpoint())
                    .arg("-Dotel.service.name=" + service).arg("-Dotel.bsp.schedule.delay=200")
                    .arg("-Dsockwatch.close.grace=100ms").arg("-Dsockwatch.exit.timeout=5s")
                    .run(Churn.class, "20", "1", "0", "2500");
            assertEquals(0, result.exitCode(), result.output());
            List<ReceivedPoint> points = awaitPoints(service, "sockwatch.connection.ended", 40);
            String why = "\n" + points.stream().map(ReceivedPoint::toString).collect(Collectors.joining("\n"))
                    + "\n" + result.output();
            long dropped = ReceivedMetrics.total(points, "sockwatch.span.dropped",
                    p -> "export_failed".equals(p.string("error.type")));
            // Spans rejected while the program ran; the last batch's answer may come after the last metrics.
            assertTrue(dropped >= 20 && dropped <= 40, "dropped " + dropped + why);
            assertEquals(dropped, ReceivedMetrics.total(points, "sockwatch.span.dropped", p -> true), why);
            assertTrue(ReceivedMetrics.total(points, "sockwatch.export.failed", p -> "traces".equals(
                    p.string("sockwatch.signal")) && "rejected".equals(p.string("error.type"))) >= 1, why);
            assertEquals(0, ReceivedMetrics.total(points, "sockwatch.export.failed",
                    p -> "metrics".equals(p.string("sockwatch.signal"))), why);
            assertTrue(result.output().contains("40 of 40 connection spans not delivered: 40 rejected by the "
                    + "collector with HTTP status 400"), why);
        } finally {
            rejecting.stop(0);
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource("jdks")
    void aDeadMetricsCollectorNeitherHoldsTheExitNorPrintsAnything(Path jdk) throws Exception {
        int refusing;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            refusing = free.getLocalPort();
        }
        try (ServerSocket blackHole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            for (int port : new int[] {refusing, blackHole.getLocalPort()}) {
                AgentJvm.Result r = new AgentJvm(jdk).arg("-Dotel.traces.exporter=none")
                        .arg("-Dotel.exporter.otlp.metrics.endpoint=http://127.0.0.1:" + port + "/v1/metrics")
                        .arg("-Dotel.service.name=metrics-dead").run(Churn.class, "1", "0", "3", "1500");
                assertEquals(0, r.exitCode(), r.output());
                // The exit budget is 800 ms; the JVM's own exit comes on top.
                assertTrue(r.exitMillis() < 800 + 1_000, "exit took " + r.exitMillis() + " ms:\n" + r.output());
                assertEquals(List.of(), r.lines("sockwatch"), "nothing from sockwatch:\n" + r.output());
                assertFalse(r.output().contains("\tat "), "no stack trace:\n" + r.output());
                assertFalse(r.output().contains("WARNING") || r.output().contains("SEVERE"), r.output());
            }
        }
    }

    private static ReceivedPoint single(List<ReceivedPoint> points, String why) {
        assertEquals(1, points.size(), points + why);
        return points.get(0);
    }

    /** The last point of each series of {@code service}, once {@code metric} adds up to {@code total}. */
    private static List<ReceivedPoint> awaitPoints(String service, String metric, long total) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        List<ReceivedPoint> latest = ReceivedMetrics.latest(receiver.points(), service);
        while (ReceivedMetrics.total(latest, metric, p -> true) < total && System.nanoTime() < deadline) {
            Thread.sleep(50);
            latest = ReceivedMetrics.latest(receiver.points(), service);
        }
        return latest;
    }
}
