package io.sockwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockwatch.e2e.scenarios.IsolatedApp;
import io.sockwatch.e2e.scenarios.MidLifeAttach;
import io.sockwatch.e2e.scenarios.SelfAttach;
import io.sockwatch.e2e.scenarios.SelfTraffic;
import io.sockwatch.e2e.scenarios.SocketScenarios;
import io.sockwatch.e2e.support.AgentJvm;
import io.sockwatch.e2e.support.Jdks;
import io.sockwatch.e2e.support.OtlpReceiver;
import io.sockwatch.e2e.support.ReceivedSpan;
import io.sockwatch.e2e.support.ScenarioLine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** How the agent behaves towards the application: isolation, no self-observation, configuration, attach. */
class AgentBehaviourIT {

    /** The settings of the README's configuration table. */
    private static final Set<String> KNOWN_SETTINGS = new TreeSet<>(List.of("sockwatch.enabled", "sockwatch.spans",
            "sockwatch.close.callsite", "sockwatch.close.callsite.depth", "sockwatch.close.grace",
            "sockwatch.close.peer_check", "sockwatch.reuse.idle_threshold", "sockwatch.open.callsite",
            "sockwatch.exclude.peers", "sockwatch.queue.size", "sockwatch.metrics.max_peer_sets",
            "sockwatch.exit.timeout", "sockwatch.cache.dir", "sockwatch.debug"));

    private OtlpReceiver receiver;

    static List<Path> jdks() {
        return Jdks.all();
    }

    @BeforeEach
    void start() throws IOException {
        receiver = new OtlpReceiver();
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    /**
     * Waits for the spans a program exported. The agent exports what is left when its JVM exits and waits for the
     * answer, so once the program has exited they are all here, and none can follow: no test sleeps to see that
     * nothing else arrives.
     */
    private List<ReceivedSpan> awaitSpans(int atLeast) throws InterruptedException {
        return receiver.await(s -> s.size() >= atLeast, Duration.ofSeconds(10));
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource("jdks")
    void applicationWithItsOwnByteBuddyAndOpenTelemetryRunsUnchanged(Path jdk) throws Exception {
        Path libs = Path.of(System.getProperty("sockwatch.it.libs", "target/it-libs"));
        AgentJvm jvm = new AgentJvm(jdk).exportingTo(receiver, "isolation");
        try (Stream<Path> jars = Files.list(libs)) {
            jars.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(jvm::classpath);
        }
        AgentJvm.Result result = jvm.run(IsolatedApp.class);
        List<ReceivedSpan> spans = awaitSpans(2);
        String why = result.explain(spans);
        assertEquals(0, result.exitCode(), why);
        String line = result.lines("ISOLATION ").get(0);
        assertTrue(line.contains("bytebuddy=app-bytebuddy "), why);
        assertTrue(line.contains("byte-buddy-1.14.18.jar"), "the application's own Byte Buddy is used: " + why);
        assertTrue(line.contains("otel_spans=1 otel_span=app-span "), "the application's SDK works: " + why);
        assertTrue(line.contains("opentelemetry-api-1.40.0.jar"), "the application's own API is used: " + why);
        long port = ScenarioLine.of(result, "peer_fin").clientPort();
        assertTrue(spans.stream().anyMatch(s -> s.kind().equals("CLIENT")
                && Long.valueOf(port).equals(s.number("network.local.port"))
                && "peer_fin".equals(s.string("socket.close.origin"))), "sockwatch still reports: " + why);
        assertTrue(spans.stream().noneMatch(s -> s.name().equals("app-span")), "app spans stay in the app: " + why);
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource("jdks")
    void theAgentsOwnExportIsNeverObserved(Path jdk) throws Exception {
        AgentJvm.Result result = new AgentJvm(jdk).exportingTo(receiver, "self")
                .run(SelfTraffic.class, String.valueOf(receiver.port()));
        List<ReceivedSpan> spans = awaitSpans(2);
        String why = result.explain(spans);
        assertEquals(0, result.exitCode(), why);
        assertTrue(receiver.requests() >= 1, "the exporter delivered: " + why);
        long port = receiver.port();
        List<ReceivedSpan> toExporter = spans.stream().filter(s -> Long.valueOf(port).equals(s.number("network.peer.port"))
                || Long.valueOf(port).equals(s.number("server.port"))
                || Long.valueOf(port).equals(s.number("network.local.port"))).toList();
        assertEquals(List.of(), toExporter, "no span for the exporter endpoint: " + why);
        assertEquals(2, spans.size(), "exactly the peer_fin client and server: " + why);
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource("jdks")
    void aBadValueWarnsOnceAndTheDefaultApplies(Path jdk) throws Exception {
        AgentJvm.Result result = new AgentJvm(jdk).exportingTo(receiver, "bad-config")
                .arg("-Dsockwatch.spans=bogus").arg("-Dsockwatch.colse.grace=1s")
                .run(SocketScenarios.class, "peer_fin");
        List<ReceivedSpan> spans = awaitSpans(2);
        String why = result.explain(spans);
        assertEquals(0, result.exitCode(), why);
        List<String> warnings = result.lines("sockwatch:");
        assertEquals(2, warnings.size(), "one line each: " + why);
        assertEquals("sockwatch: ignoring sockwatch.spans=bogus: expected all, errors or none; using all",
                warnings.get(0), why);
        String unknown = "sockwatch: ignoring unknown setting -Dsockwatch.colse.grace (did you mean -Dsockwatch.close.grace?);"
                + " known settings: ";
        assertTrue(warnings.get(1).startsWith(unknown), why);
        List<String> known = List.of(warnings.get(1).substring(unknown.length()).split(", "));
        // The settings of the README's table, each once (in no particular order).
        assertEquals(KNOWN_SETTINGS, new TreeSet<>(known), why);
        assertEquals(KNOWN_SETTINGS.size(), known.size(), why);
        assertEquals(2, spans.size(), "default spans=all: " + why);
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource("jdks")
    void aBadOtelValueWarnsOnceAndSpansStillArrive(Path jdk) throws Exception {
        // Before, the SDK refused the whole configuration and nothing was exported.
        AgentJvm.Result result = new AgentJvm(jdk).exportingTo(receiver, "bad-otel")
                .arg("-Dotel.traces.sampler=bogus")
                .run(SocketScenarios.class, "peer_fin");
        List<ReceivedSpan> spans = awaitSpans(2);
        String why = result.explain(spans);
        assertEquals(0, result.exitCode(), why);
        List<String> aboutIt = result.output().lines()
                .filter(l -> l.startsWith("sockwatch:") || l.contains("sampler") || l.contains("configuration"))
                .toList();
        assertEquals(List.of("sockwatch: ignoring otel.traces.sampler=bogus: expected one of parentbased_always_on, "
                + "parentbased_always_off, parentbased_traceidratio, always_on, always_off, traceidratio; using "
                + "parentbased_always_on"), aboutIt, why);
        assertEquals(2, spans.size(), "the peer_fin client and server, sampled by the default sampler: " + why);
        assertTrue(spans.stream().allMatch(s -> "bad-otel".equals(s.resource().get("service.name"))),
                "the other otel.* settings stand: " + why);
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource("jdks")
    void disabledMeansNothingHappens(Path jdk) throws Exception {
        AgentJvm.Result result = new AgentJvm(jdk).exportingTo(receiver, "disabled")
                .arg("-Dsockwatch.enabled=false").arg("-Dsockwatch.debug=true")
                .run(SocketScenarios.class, "peer_fin", "refused");
        // Had the agent exported anything, it would have been answered before the program exited.
        String why = result.explain(receiver.spans());
        assertEquals(0, result.exitCode(), why);
        assertEquals(0, receiver.requests(), "no export at all: " + why);
        assertTrue(result.output().contains("sockwatch: disabled by sockwatch.enabled=false"), why);
        assertFalse(result.output().contains("sockwatch: instrumented"), why);
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource("jdks")
    void errorsOnlyByAgentArgumentAndNoCallSite(Path jdk) throws Exception {
        AgentJvm.Result result = new AgentJvm(jdk).exportingTo(receiver, "errors")
                .agentArgs("spans=errors,close.callsite=false")
                .run(SocketScenarios.class, "peer_fin", "linger_reset", "refused");
        List<ReceivedSpan> spans = awaitSpans(2);
        String why = result.explain(spans);
        assertEquals(0, result.exitCode(), why);
        assertEquals(2, spans.size(), "the reset client and the refused client: " + why);
        assertTrue(spans.stream().allMatch(s -> s.status().equals("ERROR")), why);
        ReceivedSpan reset = spans.stream().filter(s -> "reset".equals(s.string("socket.close.reason"))).findFirst()
                .orElseThrow(() -> new AssertionError("no reset span" + why));
        assertTrue(spans.stream().anyMatch(s -> "refused".equals(s.string("socket.close.reason"))), why);
        // The program closed the reset connection: the close is still reported, where it was made is not.
        ReceivedSpan.Event close = reset.event("socket.close");
        assertNotNull(close, "the program closed it: " + why);
        assertNotNull(close.attributes().get("thread.name"), why);
        for (String callSite : List.of("code.function.name", "code.file.path", "code.line.number", "code.stacktrace")) {
            assertNull(close.attributes().get(callSite), callSite + ": call site switched off: " + why);
        }
    }

    /**
     * With error spans only, the stack is walked at a close only when its verdict is an error by then (the clean
     * closes of peer_fin write no span); the error spans keep where the program closed them.
     */
    @ParameterizedTest(name = "JDK {0}")
    @MethodSource("jdks")
    void errorsOnlyKeepTheCallSiteOfEveryErrorClose(Path jdk) throws Exception {
        AgentJvm.Result result = new AgentJvm(jdk).exportingTo(receiver, "errors-callsite")
                .agentArgs("spans=errors")
                .run(SocketScenarios.class, "peer_fin", "linger_reset", "read_timeout");
        List<ReceivedSpan> spans = awaitSpans(2);
        String why = result.explain(spans);
        assertEquals(0, result.exitCode(), why);
        assertEquals(2, spans.size(), "the reset client and the timed-out client: " + why);
        for (String reason : List.of("reset", "read_timeout")) {
            ReceivedSpan span = spans.stream().filter(s -> reason.equals(s.string("socket.close.reason")))
                    .findFirst().orElseThrow(() -> new AssertionError("no " + reason + " span" + why));
            assertEquals("ERROR", span.status(), why);
            ReceivedSpan.Event close = span.event("socket.close");
            assertNotNull(close, "the program closed it: " + why);
            Object function = close.attributes().get("code.function.name");
            assertNotNull(function, reason + ": where the program closed it: " + why);
            assertTrue(function.toString().startsWith(SocketScenarios.class.getName()), reason + ": " + why);
            assertNotNull(close.attributes().get("code.stacktrace"), why);
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource("jdks")
    void attachingToARunningJvmRetransformsLoadedClasses(Path jdk) throws Exception {
        AgentJvm.Result result = new AgentJvm(jdk).withoutAgent().exportingTo(receiver, "attach")
                .arg("-Djdk.attach.allowAttachSelf=true")
                .run(SelfAttach.class, AgentJvm.agentJar().toAbsolutePath().toString());
        List<ReceivedSpan> spans = awaitSpans(4);
        String why = result.explain(spans);
        assertEquals(0, result.exitCode(), why);
        List<ScenarioLine> lines = ScenarioLine.all(result);
        long before = lines.get(0).clientPort();
        long reset = lines.get(1).clientPort();
        assertTrue(spans.stream().noneMatch(s -> Long.valueOf(before).equals(s.number("network.local.port"))), why);
        assertTrue(spans.stream().anyMatch(s -> Long.valueOf(reset).equals(s.number("network.local.port"))
                && "peer_rst".equals(s.string("socket.close.origin"))), "observed after attach: " + why);
        assertTrue(spans.stream().anyMatch(s -> "java.nio.channels.SocketChannel".equals(s.string("socket.api"))),
                why);
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource("jdks")
    void socketsOpenedBeforeARuntimeAttachGetSpans(Path jdk) throws Exception {
        AgentJvm.Result result = new AgentJvm(jdk).withoutAgent().exportingTo(receiver, "midlife")
                .arg("-Djdk.attach.allowAttachSelf=true")
                .run(MidLifeAttach.class, AgentJvm.agentJar().toAbsolutePath().toString());
        List<ReceivedSpan> spans = awaitSpans(3);
        String why = result.explain(spans);
        assertEquals(0, result.exitCode(), why);
        assertEquals(3, spans.size(), "both sides of the first, the client of the stale one: " + why);
        assertTrue(spans.stream().allMatch(s -> Boolean.TRUE.equals(s.attributes().get("socket.first_seen_mid_life"))
                && s.event("socket.first_seen") != null), why);

        ScenarioLine closes = ScenarioLine.of(result, "midlife_server_closes");
        assertEquals("5", closes.get("read"), why);
        ReceivedSpan client = spans.stream().filter(s -> Long.valueOf(closes.clientPort())
                .equals(s.number("network.local.port"))).findFirst().orElseThrow(() -> new AssertionError(why));
        assertEquals("CLIENT", client.kind(), "no listener holds its port: " + why);
        assertEquals("java.net.Socket", client.string("socket.api"), why);
        assertEquals("peer_fin", client.string("socket.close.origin"), why);
        assertEquals("read", client.string("socket.close.detected_by"), why);
        assertEquals(5L, client.number("socket.bytes.read"), "counted from the first sight: " + why);
        assertEquals(closes.port("server_port"), client.number("network.peer.port"), why);
        assertNull(client.string("server.address"), why);
        ReceivedSpan server = spans.stream().filter(s -> Long.valueOf(closes.clientPort())
                .equals(s.number("network.peer.port"))).findFirst().orElseThrow(() -> new AssertionError(why));
        assertEquals("SERVER", server.kind(), "its local port is the listener's: " + why);
        assertEquals("local_close", server.string("socket.close.origin"), why);
        assertEquals(5L, server.number("socket.bytes.written"), why);

        ScenarioLine stale = ScenarioLine.of(result, "midlife_stale");
        ReceivedSpan staleClient = spans.stream().filter(s -> Long.valueOf(stale.clientPort())
                .equals(s.number("network.local.port"))).findFirst().orElseThrow(() -> new AssertionError(why));
        assertEquals("java.nio.channels.SocketChannel", staleClient.string("socket.api"), why);
        assertEquals("CLIENT", staleClient.kind(), why);
        assertEquals("peer_fin", staleClient.string("socket.close.origin"),
                "the server closed it before the attach: " + why);
        assertEquals("reuse", staleClient.string("socket.close.detected_by"), why);
        assertNotNull(staleClient.event("socket.stale_reuse"), why);
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource("jdks")
    void aVirtualThreadWithoutANameIsNamedByItsId(Path jdk) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(io.sockwatch.e2e.support.Jdks.version(jdk) >= 21,
                "virtual threads are JDK 21+");
        AgentJvm.Result result = new AgentJvm(jdk).exportingTo(receiver, "virtual")
                .run(io.sockwatch.e2e.scenarios.VirtualThreadClose.class);
        List<ReceivedSpan> spans = awaitSpans(2);
        String why = result.explain(spans);
        assertEquals(0, result.exitCode(), why);
        ScenarioLine line = ScenarioLine.of(result, "virtual_thread_close");
        assertEquals("[]", line.get("thread_name"), "the JDK gives it no name: " + why);
        ReceivedSpan client = spans.stream().filter(s -> Long.valueOf(line.clientPort())
                .equals(s.number("network.local.port"))).findFirst().orElseThrow(() -> new AssertionError(why));
        ReceivedSpan.Event close = client.event("socket.close");
        assertNotNull(close, why);
        assertEquals("virtual-" + line.get("thread_id"), close.attributes().get("thread.name"), why);
    }
}
