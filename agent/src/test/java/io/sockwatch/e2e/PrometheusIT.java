package io.sockwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockwatch.e2e.scenarios.Churn;
import io.sockwatch.e2e.support.AgentJvm;
import io.sockwatch.e2e.support.LocalPrometheus;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The local metrics UI: the agent serves its metrics for scraping ({@code otel.metrics.exporter=prometheus}), and a
 * real Prometheus (Debian's, started here on loopback) scrapes them; its HTTP API must then hold sockwatch's series
 * with the program's exact counts, and none for the scrapes themselves.
 */
class PrometheusIT {

    /** Churn 20/s for 2 s, then 5 at once: 45 connections, both ends in the program. */
    private static final int CONNECTIONS = 20 * 2 + 5;
    private static final Pattern VALUE = Pattern.compile("\"value\":\\[[\\d.]+,\"([\\d.]+)\"\\]");

    @Test
    void prometheusScrapesSockwatchsSeriesWithTheProgramsCounts() throws Exception {
        int metricsPort = LocalPrometheus.freePort();
        try (LocalPrometheus prometheus = LocalPrometheus.scraping("127.0.0.1:" + metricsPort)) {
            // The program lingers 10 s after its last connection: long enough for several scrapes.
            CompletableFuture<AgentJvm.Result> run = CompletableFuture.supplyAsync(() -> {
                try {
                    return new AgentJvm(Path.of(System.getProperty("java.home")))
                            .arg("-Dotel.traces.exporter=none").arg("-Dotel.metrics.exporter=prometheus")
                            .arg("-Dotel.exporter.prometheus.host=127.0.0.1")
                            .arg("-Dotel.exporter.prometheus.port=" + metricsPort)
                            .arg("-Dotel.service.name=prometheus-it").arg("-Dsockwatch.close.grace=100ms")
                            .run(Churn.class, "20", "2", "5", "10000");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            String ended = "sum(sockwatch_connection_ended_total{job=\"sockwatch\"})";
            String answer = "";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(25);
            while (System.nanoTime() < deadline && !run.isDone()) {
                answer = prometheus.query(ended);
                if (value(answer) == 2.0 * CONNECTIONS) {
                    break;
                }
                Thread.sleep(500);
            }
            String why = "\n" + answer + "\n--- prometheus ---\n" + prometheus.log();
            assertEquals(2.0 * CONNECTIONS, value(answer), "every ending of both ends, scraped" + why);
            assertEquals(CONNECTIONS, value(prometheus.query(
                    "sum(sockwatch_connection_ended_total{socket_role=\"server\"})")), "one server ending each" + why);
            assertEquals(2.0 * CONNECTIONS, value(prometheus.query(
                    "sum(sockwatch_connection_idle_time_seconds_count)")), "the idle time histogram" + why);
            // The scrapes themselves are never observed: no series on the metrics port.
            assertTrue(prometheus.query("sockwatch_connection_count{server_port=\"" + metricsPort + "\"}")
                    .contains("\"result\":[]"), why);
            assertTrue(prometheus.query("sockwatch_connection_ended_total{server_port=\"" + metricsPort + "\"}")
                    .contains("\"result\":[]"), why);
            AgentJvm.Result result = run.get(60, TimeUnit.SECONDS);
            assertEquals(0, result.exitCode(), result.output());
            assertEquals(0, result.lines("sockwatch").size(), result.output());
        }
    }

    private static double value(String answer) {
        Matcher m = VALUE.matcher(answer);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }
}
