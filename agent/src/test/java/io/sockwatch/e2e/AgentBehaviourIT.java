package io.sockwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockwatch.e2e.scenarios.IsolatedApp;
import io.sockwatch.e2e.scenarios.SelfAttach;
import io.sockwatch.e2e.scenarios.SelfTraffic;
import io.sockwatch.e2e.scenarios.SocketScenarios;
import io.sockwatch.e2e.support.AgentJvm;
import io.sockwatch.e2e.support.Jdks;
import io.sockwatch.e2e.support.OtlpReceiver;
import io.sockwatch.e2e.support.ReceivedSpan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** How the agent behaves towards the application: isolation, no self-observation, configuration, attach. */
class AgentBehaviourIT {

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

    private static String dump(AgentJvm.Result result, List<ReceivedSpan> spans) {
        return "\n--- child output ---\n" + result.output() + "\n--- spans ---\n"
                + spans.stream().map(ReceivedSpan::toString).collect(Collectors.joining("\n"));
    }

    private List<ReceivedSpan> awaitSpans(int atLeast) throws InterruptedException {
        return receiver.await(s -> s.size() >= atLeast, Duration.ofSeconds(10));
    }

    private static long scenarioClientPort(AgentJvm.Result result, String scenario) {
        String line = result.lines("SCENARIO " + scenario + " ").get(0);
        return Long.parseLong(line.split(" ")[2].substring("client_port=".length()));
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
        String why = dump(result, spans);
        assertEquals(0, result.exitCode(), why);
        String line = result.lines("ISOLATION ").get(0);
        assertTrue(line.contains("bytebuddy=app-bytebuddy "), why);
        assertTrue(line.contains("byte-buddy-1.14.18.jar"), "the application's own Byte Buddy is used: " + why);
        assertTrue(line.contains("otel_spans=1 otel_span=app-span "), "the application's SDK works: " + why);
        assertTrue(line.contains("opentelemetry-api-1.40.0.jar"), "the application's own API is used: " + why);
        long port = scenarioClientPort(result, "peer_fin");
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
        String why = dump(result, spans);
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
        String why = dump(result, spans);
        assertEquals(0, result.exitCode(), why);
        List<String> warnings = result.output().lines().filter(l -> l.startsWith("sockwatch:")).toList();
        assertEquals(List.of(
                "sockwatch: ignoring sockwatch.spans=bogus: expected all or errors; using all",
                "sockwatch: ignoring unknown setting -Dsockwatch.colse.grace (did you mean -Dsockwatch.close.grace?);"
                        + " known settings: "
                        + warnings.get(1).substring(warnings.get(1).indexOf("known settings: ") + 16)), warnings, why);
        assertTrue(warnings.get(1).contains("sockwatch.close.grace"), why);
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
        String why = dump(result, spans);
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
        Thread.sleep(1000);
        String why = dump(result, receiver.spans());
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
        Thread.sleep(500); // nothing else may follow
        spans = receiver.spans();
        String why = dump(result, spans);
        assertEquals(0, result.exitCode(), why);
        assertEquals(2, spans.size(), "the reset client and the refused client: " + why);
        assertTrue(spans.stream().allMatch(s -> s.status().equals("ERROR")), why);
        assertTrue(spans.stream().anyMatch(s -> "reset".equals(s.string("socket.close.reason"))), why);
        assertTrue(spans.stream().anyMatch(s -> "refused".equals(s.string("socket.close.reason"))), why);
        for (ReceivedSpan s : spans) {
            ReceivedSpan.Event close = s.event("socket.close");
            if (close != null) {
                assertNull(close.attributes().get("code.function.name"), "call site switched off: " + why);
                assertNotNull(close.attributes().get("thread.name"), why);
            }
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource("jdks")
    void attachingToARunningJvmRetransformsLoadedClasses(Path jdk) throws Exception {
        AgentJvm.Result result = new AgentJvm(jdk).withoutAgent().exportingTo(receiver, "attach")
                .arg("-Djdk.attach.allowAttachSelf=true")
                .run(SelfAttach.class, AgentJvm.agentJar().toAbsolutePath().toString());
        List<ReceivedSpan> spans = awaitSpans(4);
        String why = dump(result, spans);
        assertEquals(0, result.exitCode(), why);
        List<String> lines = result.lines("SCENARIO ");
        long before = Long.parseLong(lines.get(0).split(" ")[2].substring("client_port=".length()));
        long reset = Long.parseLong(lines.get(1).split(" ")[2].substring("client_port=".length()));
        assertTrue(spans.stream().noneMatch(s -> Long.valueOf(before).equals(s.number("network.local.port"))), why);
        assertTrue(spans.stream().anyMatch(s -> Long.valueOf(reset).equals(s.number("network.local.port"))
                && "peer_rst".equals(s.string("socket.close.origin"))), "observed after attach: " + why);
        assertTrue(spans.stream().anyMatch(s -> "java.nio.channels.SocketChannel".equals(s.string("socket.api"))),
                why);
    }
}
