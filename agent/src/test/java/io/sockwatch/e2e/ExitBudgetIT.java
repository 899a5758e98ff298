package io.sockwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.sockwatch.e2e.scenarios.Churn;
import io.sockwatch.e2e.support.AgentJvm;
import io.sockwatch.e2e.support.Jdks;
import io.sockwatch.e2e.support.OtlpReceiver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whatever the collector does, the application's exit waits at most about a second longer than with no exporter
 * at all, its output is unchanged, and one line says how many connection spans were not delivered and why; the
 * number is exact: what the program produced minus what the receiver got.
 */
class ExitBudgetIT {

    /** Three connections, both ends in the program: six endings, closed at once before main ends. */
    private static final int TINY_SPANS = 6;
    /** The bound: at most this much later than with otel.traces.exporter=none. */
    private static final long EXIT_SLACK_MILLIS = 1_000;
    private static final Pattern LOST = Pattern.compile(
            "sockwatch: (\\d+) of (\\d+) connection spans not delivered: (\\d+) (.+)");

    static List<Path> jdks() {
        return Jdks.all();
    }

    /** The exit with no exporter per JDK, the best of two runs: the floor the other exits are measured against. */
    private static final Map<Path, Long> FLOORS = new ConcurrentHashMap<>();

    /** Runs Churn with {@code linger} ms before main ends, exporting to {@code endpoint} (null: no exporter). */
    private static AgentJvm.Result run(Path jdk, String endpoint, long linger) throws Exception {
        AgentJvm jvm = new AgentJvm(jdk);
        if (endpoint == null) {
            jvm.arg("-Dotel.traces.exporter=none").arg("-Dotel.metrics.exporter=none");
        } else {
            // The metrics meet the same collector, and leave within the same budget.
            jvm.arg("-Dotel.exporter.otlp.traces.endpoint=" + endpoint).arg("-Dotel.service.name=exit-budget")
                    .arg("-Dotel.exporter.otlp.metrics.endpoint=" + endpoint.replace("/v1/traces", "/v1/metrics"));
        }
        AgentJvm.Result r = jvm.run(Churn.class, "1", "0", "3", String.valueOf(linger));
        assertEquals(0, r.exitCode(), r.output());
        assertEquals(List.of("CHURN connections=3"), r.lines("CHURN"), "the application's own output is unchanged");
        return r;
    }

    private static long floor(Path jdk) throws Exception {
        Long floor = FLOORS.get(jdk);
        if (floor == null) {
            floor = Math.min(run(jdk, null, 0).exitMillis(), run(jdk, null, 0).exitMillis());
            FLOORS.put(jdk, floor);
        }
        return floor;
    }

    /**
     * Against {@code endpoint}: a program that ends at once (OpenTelemetry may still be starting) and one that ran
     * a second and a half (the exporter has met the collector) both exit within the slack, print one line, and
     * count exactly; the second names {@code reason}.
     */
    private static void assertBoundedExitAndOneLine(Path jdk, String fault, String endpoint, String reason) throws Exception {
        long floor = floor(jdk);
        for (long linger : new long[] {0, 1_500}) {
            AgentJvm.Result r = run(jdk, endpoint, linger);
            long exit = r.exitMillis();
            // For docs/reliability.md: what each fault costs the exit, next to the floor.
            System.out.printf("EXIT-BUDGET jdk=%d collector=%s ran=%dms exit=%dms floor=%dms line=%s%n",
                    Jdks.version(jdk), fault, linger, exit, floor, r.lines("sockwatch"));
            assertTrue(exit <= floor + EXIT_SLACK_MILLIS, "exit took " + exit + " ms against " + floor
                    + " ms with no exporter:\n" + r.output());
            List<String> sockwatch = r.lines("sockwatch");
            assertEquals(1, sockwatch.size(), "exactly one line from sockwatch:\n" + r.output());
            assertTrue(!r.output().contains("\tat "), "no stack trace:\n" + r.output());
            Matcher m = LOST.matcher(sockwatch.get(0));
            assertTrue(m.matches(), sockwatch.get(0));
            assertEquals(TINY_SPANS, Long.parseLong(m.group(2)), "every ending is counted: " + sockwatch.get(0));
            assertEquals(TINY_SPANS, Long.parseLong(m.group(1)), "nothing reached the collector, and the line says "
                    + "so: " + sockwatch.get(0));
            assertEquals(m.group(1), m.group(3), "one reason: " + sockwatch.get(0));
            if (linger > 0) {
                assertTrue(m.group(4).startsWith(reason), "the reason is named: " + sockwatch.get(0));
            }
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource("jdks")
    void noCollectorListening(Path jdk) throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        assertBoundedExitAndOneLine(jdk, "absent", "http://127.0.0.1:" + port + "/v1/traces",
                "endpoint unreachable (connection refused)");
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource("jdks")
    void aCollectorThatAcceptsAndNeverAnswers(Path jdk) throws Exception {
        // The kernel completes the handshake into the backlog; nobody ever accepts, reads or answers.
        try (ServerSocket blackHole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            assertBoundedExitAndOneLine(jdk, "black hole",
                    "http://127.0.0.1:" + blackHole.getLocalPort() + "/v1/traces",
                    "not answered by the collector within the exit budget");
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource("jdks")
    void aCollectorThatAnswers503(Path jdk) throws Exception {
        againstAnHttpServer(jdk, "503", 0, 503, "rejected by the collector with HTTP status 503");
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource("jdks")
    void aCollectorThatTakesFiveSecondsPerRequest(Path jdk) throws Exception {
        againstAnHttpServer(jdk, "5 s per request", 5_000, 200, "not answered by the collector within the exit budget");
    }

    private static void againstAnHttpServer(Path jdk, String fault, long delayMillis, int status, String reason)
            throws Exception {
        HttpServer collector = server(delayMillis, status);
        try {
            assertBoundedExitAndOneLine(jdk, fault,
                    "http://127.0.0.1:" + collector.getAddress().getPort() + "/v1/traces", reason);
        } finally {
            collector.stop(0);
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource("jdks")
    void aHealthyCollectorGetsEverySpanOfAProgramThatRanASecond(Path jdk) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            AgentJvm.Result r = run(jdk, receiver.endpoint(), 1_500);
            assertEquals(List.of(), r.lines("sockwatch"), "nothing lost, nothing said:\n" + r.output());
            assertEquals(TINY_SPANS, receiver.spanCount(), r.output());
            assertEquals(1, receiver.metricRequests(), "the metrics left once, at exit:\n" + r.output());
            assertTrue(r.exitMillis() < EXIT_SLACK_MILLIS, "exit took " + r.exitMillis() + " ms");
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource("jdks")
    void aHealthyCollectorAndATinyProgramAccountForEverySpan(Path jdk) throws Exception {
        // The SDK may still be starting when a tiny program ends: whatever misses the budget is said, exactly.
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            AgentJvm.Result r = run(jdk, receiver.endpoint(), 0);
            List<String> sockwatch = r.lines("sockwatch");
            long reported = 0;
            if (!sockwatch.isEmpty()) {
                Matcher m = LOST.matcher(sockwatch.get(0));
                assertTrue(m.matches(), sockwatch.get(0));
                reported = Long.parseLong(m.group(1));
            }
            Thread.sleep(200); // a request sent just before the exit may still be in the receiver's hands
            assertEquals(TINY_SPANS, receiver.spanCount() + reported, "received + reported lost = produced:\n"
                    + r.output());
        }
    }

    /** An HTTP server that answers every request with {@code status}, after {@code delayMillis}. */
    private static HttpServer server(long delayMillis, int status) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fault-collector");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                Thread.sleep(delayMillis);
                exchange.sendResponseHeaders(status, -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
        return server;
    }
}
