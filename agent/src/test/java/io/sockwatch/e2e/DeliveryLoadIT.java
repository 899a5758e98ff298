package io.sockwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockwatch.e2e.scenarios.Churn;
import io.sockwatch.e2e.support.AgentJvm;
import io.sockwatch.e2e.support.Jdks;
import io.sockwatch.e2e.support.OtlpReceiver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Ordinary load with a healthy collector loses nothing: 5,000 connections a second for 30 seconds, both ends in
 * one JVM (10,000 endings a second), then 10,000 endings at once (5,000 connections held open, both ends, closed
 * together: 10,000 descriptors, half this machine's limit). At least 99.9 % of the spans reach the receiver,
 * every ending keeps its grace period, and what did not arrive is exactly what the exit line says.
 */
class DeliveryLoadIT {

    private static final int RATE = Integer.getInteger("sockwatch.it.load.rate", 5_000);
    private static final int SECONDS = Integer.getInteger("sockwatch.it.load.seconds", 30);
    private static final int BURST = 5_000;
    private static final Pattern LOST = Pattern.compile("sockwatch: (\\d+) of (\\d+) connection spans not delivered.*");

    static List<Path> jdks() {
        return Jdks.all();
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource("jdks")
    void fiveThousandConnectionsASecondAndTenThousandAtOnce(Path jdk) throws Exception {
        try (OtlpReceiver receiver = OtlpReceiver.counting()) {
            long started = System.nanoTime();
            AgentJvm.Result r = new AgentJvm(jdk).exportingTo(receiver, "delivery-load")
                    .arg("-Xmx512m")
                    .run(Churn.class, String.valueOf(RATE), String.valueOf(SECONDS), String.valueOf(BURST), "2000");
            double took = (System.nanoTime() - started) / 1e9;
            assertEquals(0, r.exitCode(), r.output());
            String line = r.lines("CHURN").get(0);
            long connections = Long.parseLong(line.substring("CHURN connections=".length()));
            long produced = 2 * connections;
            // The exit line names the spans not delivered; the receiver must have all the others.
            Thread.sleep(500);
            long received = receiver.spanCount();
            List<String> sockwatch = r.lines("sockwatch");
            long reported = 0;
            for (String l : sockwatch) {
                Matcher m = LOST.matcher(l);
                if (m.matches()) {
                    reported = Long.parseLong(m.group(1));
                    assertEquals(produced, Long.parseLong(m.group(2)), l);
                }
            }
            System.out.printf("DELIVERY-LOAD jdk=%d connections=%d produced=%d received=%d reported_lost=%d "
                    + "run=%.1fs (asked %d/s for %ds) lines=%s%n", Jdks.version(jdk), connections, produced, received,
                    reported, took, RATE, SECONDS, sockwatch);
            assertTrue(sockwatch.stream().noneMatch(l -> l.contains("grace period")),
                    "every ending kept its grace period: " + sockwatch);
            assertEquals(produced, received + reported, "received + reported lost = produced: " + sockwatch);
            assertTrue(received >= produced * 0.999, received + " of " + produced + " delivered: " + sockwatch);
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource("jdks")
    void withTheCollectorDownMemoryStaysBoundedAndEveryLossIsCounted(Path jdk) throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        int seconds = Math.max(1, SECONDS / 3);
        AgentJvm.Result r = new AgentJvm(jdk)
                .arg("-Dotel.exporter.otlp.traces.endpoint=http://127.0.0.1:" + port + "/v1/traces")
                .arg("-Dotel.service.name=delivery-load-down")
                .arg("-Xmx128m") // an unbounded backlog of spans would not fit
                .run(Churn.class, String.valueOf(RATE), String.valueOf(seconds), String.valueOf(BURST), "0");
        assertEquals(0, r.exitCode(), r.output());
        long produced = 2 * Long.parseLong(r.lines("CHURN").get(0).substring("CHURN connections=".length()));
        List<String> sockwatch = r.lines("sockwatch");
        System.out.printf("DELIVERY-DOWN jdk=%d produced=%d lines=%s%n", Jdks.version(jdk), produced, sockwatch);
        assertEquals(1, sockwatch.size(), r.output());
        Matcher m = Pattern.compile("sockwatch: (\\d+) of (\\d+) connection spans not delivered: (.*)")
                .matcher(sockwatch.get(0));
        assertTrue(m.matches(), sockwatch.get(0));
        assertEquals(produced, Long.parseLong(m.group(1)), "every span counted as lost: " + sockwatch.get(0));
        assertEquals(produced, Long.parseLong(m.group(2)), sockwatch.get(0));
        long byReason = 0;
        for (String part : m.group(3).split(", ")) {
            byReason += Long.parseLong(part.substring(0, part.indexOf(' ')));
        }
        assertEquals(produced, byReason, "the reasons add up: " + sockwatch.get(0));
        assertTrue(m.group(3).contains("endpoint unreachable (connection refused)"), sockwatch.get(0));
    }
}
