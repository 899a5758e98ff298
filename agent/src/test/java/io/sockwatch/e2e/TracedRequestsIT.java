package io.sockwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockwatch.e2e.scenarios.TracedHttpScenarios;
import io.sockwatch.e2e.support.AgentJvm;
import io.sockwatch.e2e.support.Jdks;
import io.sockwatch.e2e.support.OtlpReceiver;
import io.sockwatch.e2e.support.ReceivedSpan;
import io.sockwatch.e2e.support.ServiceSpans;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * sockwatch in the application's traces: side by side with the real OpenTelemetry Java agent (in both
 * {@code -javaagent} orders), with an application that runs its own OpenTelemetry SDK, and with none. Requests of
 * {@link TracedHttpScenarios} suffer a reset and a stale pooled connection; the spans of both agents arrive over
 * OTLP at one receiver, and their trace ids, parents and links are compared.
 */
class TracedRequestsIT {

    private static final String SCOPE = "io.sockwatch";
    private static final String JAVA_AGENT_HTTP_SCOPE = "io.opentelemetry.http-url-connection";

    private OtlpReceiver receiver;
    /** Where the Java agent's metrics go: not an endpoint sockwatch's own settings name. */
    private OtlpReceiver metrics;

    static Stream<Arguments> jdksAndOrders() {
        List<Arguments> all = new ArrayList<>();
        for (Path jdk : Jdks.all()) {
            all.add(Arguments.of(jdk, "otel-first"));
            all.add(Arguments.of(jdk, "sockwatch-first"));
        }
        return all.stream();
    }

    static List<Path> jdks() {
        return Jdks.all();
    }

    /** A configuration file that only the OpenTelemetry Java agent reads. */
    private static Path javaAgentOnlySettings(int metricsPort) throws java.io.IOException {
        Path file = java.nio.file.Files.createTempFile("otel-javaagent-", ".properties");
        file.toFile().deleteOnExit();
        java.nio.file.Files.writeString(file, "otel.metrics.exporter=otlp\n"
                + "otel.exporter.otlp.metrics.endpoint=http://127.0.0.1:" + metricsPort + "/v1/metrics\n"
                + "otel.metric.export.interval=200\n");
        return file;
    }

    @BeforeEach
    void start() throws Exception {
        receiver = new OtlpReceiver();
        metrics = new OtlpReceiver();
    }

    @AfterEach
    void stop() {
        receiver.close();
        metrics.close();
    }

    @ParameterizedTest(name = "JDK {0}, {1}")
    @MethodSource("jdksAndOrders")
    void theVerdictIsInTheFailingRequestsTraceWithTheJavaAgent(Path jdk, String order) throws Exception {
        String service = "traced-" + order;
        AgentJvm.Result result = new AgentJvm(jdk).exportingTo(receiver, service)
                .metricsOnlyInAgentArguments(receiver)
                .otherAgent(AgentJvm.otelJavaAgent(), order.equals("otel-first"))
                .arg("-Dotel.resource.attributes=deployment.environment.name=it")
                // The Java agent's metrics go where only its own configuration file says: no setting sockwatch reads
                // names that endpoint, so its exclusion of its own endpoints cannot be what hides them.
                .arg("-Dotel.javaagent.configuration-file=" + javaAgentOnlySettings(metrics.port()))
                .arg("-Dotel.logs.exporter=none")
                .arg("-Dotel.instrumentation.methods.include=" + TracedHttpScenarios.DbClient.class.getName() + "[query]")
                .run(TracedHttpScenarios.class, "agent", "reset,stale,query");
        ServiceSpans spans = ServiceSpans.await(receiver, service, all -> requestSpans(all).size() >= 3
                && queries(all).size() >= 1 && endings(all).size() >= 3 && connections(all).size() >= 8, result);
        String why = spans.diagnostics();
        assertEquals(0, result.exitCode(), why);
        long port = serverPort(result);

        Map<String, ReceivedSpan> requests = requestSpans(spans.all()).stream()
                .collect(Collectors.toMap(s -> s.string("url.full").replaceAll(".*/", "/"), s -> s, (a, b) -> a));
        ReceivedSpan reset = requests.get("/reset");
        ReceivedSpan staleFirst = requests.get("/stale-first");
        ReceivedSpan staleSecond = requests.get("/ok");
        assertTrue(reset != null && staleFirst != null && staleSecond != null, "the Java agent's client spans: " + why);

        assertResetInTrace(spans.all(), reset, port, why);
        assertStaleInTrace(spans.all(), staleFirst, staleSecond, port, why);
        assertQueryInTrace(spans.all(), queries(spans.all()).get(0), port, why);

        // No cross-observation: sockwatch saw neither of the Java agent's export connections (traces, and metrics
        // to an endpoint of its own), and the Java agent traced none of sockwatch's exports.
        assertTrue(metrics.otherSignalRequests() > 0, "the Java agent exported metrics: " + why);
        for (ReceivedSpan s : spans.all()) {
            if (s.scope().equals(SCOPE)) {
                for (String key : List.of("server.port", "network.peer.port", "network.local.port")) {
                    Long p = s.number(key);
                    assertFalse(p != null && (p == receiver.port() || p == metrics.port()),
                            "sockwatch observed an export connection (traces to " + receiver.port() + ", metrics to " + metrics.port() + "): " + s + why);
                }
            } else {
                assertFalse(String.valueOf(s.string("url.full")).contains("/v1/"),
                        "the Java agent traced an export: " + s + why);
                assertFalse(Long.valueOf(receiver.port()).equals(s.number("server.port")),
                        "the Java agent traced an export: " + s + why);
            }
        }
        assertTrue(receiver.tracedExports().stream().noneMatch(scopes -> scopes.contains(SCOPE)),
                "sockwatch's export carried a traceparent header: " + receiver.tracedExports() + why);

        // One configuration: both agents describe the same service in the same environment.
        for (ReceivedSpan s : spans.all()) {
            assertEquals("it", s.resource().get("deployment.environment.name"), s + why);
        }
        assertTrue(spans.all().stream().anyMatch(s -> !s.scope().equals(SCOPE))
                && spans.all().stream().anyMatch(s -> s.scope().equals(SCOPE)), why);
    }

    /**
     * The Java agent samples no request (its sampler set in its own configuration file, which sockwatch does not
     * read): every connection span still arrives, linked to the unsampled requests, and no socket.ending goes to a
     * trace the backend will never have.
     */
    @ParameterizedTest(name = "JDK {0}")
    @MethodSource("jdks")
    void anUnsampledRequestCostsNoConnectionSpan(Path jdk) throws Exception {
        String service = "unsampled";
        Path config = Files.createTempFile("otel-javaagent-", ".properties");
        Files.writeString(config, "otel.traces.sampler=always_off\n");
        AgentJvm.Result result = new AgentJvm(jdk).exportingTo(receiver, service)
                .otherAgent(AgentJvm.otelJavaAgent(), true)
                .arg("-Dotel.javaagent.configuration-file=" + config)
                .arg("-Dotel.metrics.exporter=none")
                .arg("-Dotel.logs.exporter=none")
                .run(TracedHttpScenarios.class, "agent", "reset");
        ServiceSpans spans = ServiceSpans.await(receiver, service, all -> connections(all).size() >= 2, result);
        Files.deleteIfExists(config);
        String why = spans.diagnostics();
        assertEquals(0, result.exitCode(), why);
        assertTrue(requestSpans(spans.all()).isEmpty(), "the Java agent sampled no request: " + why);
        assertTrue(endings(spans.all()).isEmpty(), "no socket.ending in an unsampled trace: " + why);
        List<ReceivedSpan> resets = clients(spans.all(), serverPort(result)).stream()
                .filter(s -> "peer_rst".equals(s.string("socket.close.origin"))).toList();
        assertFalse(resets.isEmpty(), "the connection spans are sampled on their own: " + why);
        for (ReceivedSpan connection : resets) {
            assertEquals(1, connection.links("ended_in").size(), "still linked to the unsampled request: " + why);
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource("jdks")
    void anApplicationWithItsOwnSdkGetsTheVerdictInItsTrace(Path jdk) throws Exception {
        String service = "own-sdk";
        AgentJvm.Result result = new AgentJvm(jdk).exportingTo(receiver, service).withApplicationSdk()
                .arg("-Dsockwatch.debug=true")
                .run(TracedHttpScenarios.class, "sdk", "reset,stale,query");
        ServiceSpans spans = ServiceSpans.await(receiver, service, all -> endings(all).size() >= 3
                && connections(all).size() >= 8, result);
        String why = spans.diagnostics();
        assertEquals(0, result.exitCode(), why);
        assertTrue(result.output().contains("through the application's OpenTelemetry API"), why);
        long port = serverPort(result);
        Map<String, ReceivedSpan> requests = new java.util.HashMap<>();
        for (String line : result.lines("APP_SPAN ")) {
            String[] f = line.split(" ");
            // APP_SPAN request <name> <trace id> <span id>: the application's span, as its own SDK exported it
            requests.put(f[2], new ReceivedSpan(f[3], f[1] + " " + f[2], "CLIENT", "UNSET", 0, 0, Map.of(), List.of(),
                    Map.of(), "application", f[4], "", List.of()));
        }
        assertResetInTrace(spans.all(), requests.get("reset"), port, why);
        assertStaleInTrace(spans.all(), requests.get("stale-first"), requests.get("stale-second"), port, why);
        assertQueryInTrace(spans.all(), requests.get("query"), port, why);
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource("jdks")
    void withoutOpenTelemetryNothingChanges(Path jdk) throws Exception {
        String service = "untraced";
        AgentJvm.Result result = new AgentJvm(jdk).exportingTo(receiver, service)
                .run(TracedHttpScenarios.class, "none", "reset,stale");
        ServiceSpans spans = ServiceSpans.await(receiver, service, all -> connections(all).size() >= 6, result);
        String why = spans.diagnostics();
        assertEquals(0, result.exitCode(), why);
        long port = serverPort(result);
        assertTrue(endings(spans.all()).isEmpty(), "no request, no socket.ending: " + why);
        assertTrue(spans.all().stream().allMatch(s -> s.links().isEmpty()), "no links: " + why);
        assertTrue(clients(spans.all(), port).stream().anyMatch(s -> "peer_rst".equals(s.string("socket.close.origin"))),
                why);
        assertTrue(clients(spans.all(), port).stream().anyMatch(s -> "peer_fin".equals(s.string("socket.close.origin"))),
                why);
        // sockwatch defines its bridge in the bootstrap loader without appending to its path: class data sharing
        // stays on, and the JVM prints no warning about it (with the Java agent, that warning is the Java agent's).
        assertFalse(result.output().contains("Sharing is only supported"), why);
    }

    /** The reset request's trace holds a socket.ending (peer_rst) child of it, linked to the connection span. */
    private static void assertResetInTrace(List<ReceivedSpan> all, ReceivedSpan request, long port, String why) {
        assertTrue(request != null, "the reset request's span: " + why);
        List<ReceivedSpan> resets = clients(all, port).stream()
                .filter(s -> "peer_rst".equals(s.string("socket.close.origin"))
                        && "127.0.0.1".equals(s.string("server.address"))).toList(); // HTTP; the query's: localhost
        assertFalse(resets.isEmpty(), "a peer_rst connection span: " + why);
        for (ReceivedSpan connection : resets) {
            assertLinked(connection, "opened_in", request, why);
            assertLinked(connection, "ended_in", request, why);
            ReceivedSpan ending = endingOf(all, connection, why);
            assertEquals(request.traceId(), ending.traceId(), "the ending is in the request's trace: " + why);
            assertEquals(request.spanId(), ending.parentSpanId(), "a child of the request's span: " + why);
            assertEquals("socket.ending peer_rst/reset", ending.name(), why);
            assertEquals("peer_rst", ending.string("socket.close.origin"), why);
            assertEquals("reset", ending.string("socket.close.reason"), why);
            assertEquals("read", ending.string("socket.close.detected_by"), why);
            assertEquals("ERROR", ending.status(), why);
            assertEquals(port, ending.number("server.port"), why);
        }
    }

    /**
     * The pooled connection opened by the first request and found closed by the second: its span links to both,
     * and the second request's trace holds the ending (peer_fin, status UNSET: the JDK retried on a new connection).
     */
    private static void assertStaleInTrace(List<ReceivedSpan> all, ReceivedSpan first, ReceivedSpan second,
                                           long port, String why) {
        assertTrue(first != null && second != null, "the stale scenario's request spans: " + why);
        List<ReceivedSpan> stale = clients(all, port).stream()
                .filter(s -> s.links("opened_in").stream().anyMatch(l -> l.spanId().equals(first.spanId())))
                .toList();
        assertEquals(1, stale.size(), "one connection opened by the first request: " + why);
        ReceivedSpan connection = stale.get(0);
        assertEquals("peer_fin", connection.string("socket.close.origin"), why);
        assertLinked(connection, "ended_in", second, why);
        ReceivedSpan ending = endingOf(all, connection, why);
        assertEquals(second.traceId(), ending.traceId(), "the ending is in the second request's trace: " + why);
        assertEquals(second.spanId(), ending.parentSpanId(), why);
        assertEquals("peer_fin", ending.string("socket.close.origin"), why);
    }

    /** The query whose session the server reset: its one connection's ending is a child of the query's span. */
    private static void assertQueryInTrace(List<ReceivedSpan> all, ReceivedSpan query, long port, String why) {
        assertTrue(query != null, "the query's span: " + why);
        List<ReceivedSpan> opened = clients(all, port).stream()
                .filter(s -> "localhost".equals(s.string("server.address"))).toList();
        assertEquals(1, opened.size(), "one connection opened by the query: " + why);
        ReceivedSpan connection = opened.get(0);
        assertEquals("peer_rst", connection.string("socket.close.origin"), why);
        assertLinked(connection, "ended_in", query, why);
        ReceivedSpan ending = endingOf(all, connection, why);
        assertEquals(query.traceId(), ending.traceId(), why);
        assertEquals(query.spanId(), ending.parentSpanId(), why);
        assertEquals("socket.ending peer_rst/reset", ending.name(), why);
    }

    private static void assertLinked(ReceivedSpan connection, String role, ReceivedSpan to, String why) {
        List<ReceivedSpan.Link> links = connection.links(role);
        assertEquals(1, links.size(), role + " link of " + connection + why);
        assertEquals(to.traceId(), links.get(0).traceId(), role + why);
        assertEquals(to.spanId(), links.get(0).spanId(), role + why);
    }

    private static ReceivedSpan endingOf(List<ReceivedSpan> all, ReceivedSpan connection, String why) {
        List<ReceivedSpan> endings = endings(all).stream().filter(s -> s.links("connection").stream()
                .anyMatch(l -> l.spanId().equals(connection.spanId()) && l.traceId().equals(connection.traceId())))
                .toList();
        assertEquals(1, endings.size(), "one socket.ending linked to " + connection + why);
        return endings.get(0);
    }

    private static long serverPort(AgentJvm.Result result) {
        return Long.parseLong(result.lines("SERVER_PORT ").get(0).substring("SERVER_PORT ".length()).trim());
    }

    private static List<ReceivedSpan> requestSpans(List<ReceivedSpan> all) {
        return all.stream().filter(s -> s.scope().equals(JAVA_AGENT_HTTP_SCOPE) && s.kind().equals("CLIENT")).toList();
    }

    /** The Java agent's spans of DbClient.query, traced by otel.instrumentation.methods.include. */
    private static List<ReceivedSpan> queries(List<ReceivedSpan> all) {
        return all.stream().filter(s -> s.scope().equals("io.opentelemetry.methods")).toList();
    }

    private static List<ReceivedSpan> endings(List<ReceivedSpan> all) {
        return all.stream().filter(s -> s.name().startsWith("socket.ending ")).toList();
    }

    private static List<ReceivedSpan> connections(List<ReceivedSpan> all) {
        return all.stream().filter(s -> s.name().equals("socket.connection")).toList();
    }

    private static List<ReceivedSpan> clients(List<ReceivedSpan> all, long port) {
        return connections(all).stream().filter(s -> s.kind().equals("CLIENT")
                && Long.valueOf(port).equals(s.number("server.port"))).toList();
    }
}
