package io.sockwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.sockwatch.e2e.scenarios.ChannelScenarios;
import io.sockwatch.e2e.scenarios.SocketScenarios;
import io.sockwatch.e2e.support.AgentJvm;
import io.sockwatch.e2e.support.Jdks;
import io.sockwatch.e2e.support.OtlpReceiver;
import io.sockwatch.e2e.support.ReceivedSpan;
import io.sockwatch.e2e.support.ServiceSpans;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/**
 * Real sockets in a separate JVM with the real agent jar, spans received over real OTLP/HTTP: for every
 * scenario, the client span and the server span must carry the origin that matches what the sockets did.
 */
class ConnectionOriginIT {

    /** What one side of a scenario must report; reasons lists the acceptable reasons. */
    record Expect(String origin, Set<String> reasons, String detectedBy, String event) {
        static Expect of(String origin, String reason, String detectedBy) {
            return new Expect(origin, Set.of(reason), detectedBy, null);
        }

        Expect withEvent(String name) {
            return new Expect(origin, reasons, detectedBy, name);
        }
    }

    record Scenario(String name, Expect client, Expect server) {
    }

    private static final Expect LOCAL_CLOSE = Expect.of("local_close", "close", "close").withEvent("socket.close");
    private static final Expect PEER_FIN = Expect.of("peer_fin", "eof", "read").withEvent("socket.eof");
    private static final Expect RESET_ON_READ = Expect.of("peer_rst", "reset", "read").withEvent("exception");

    private static final Map<String, Scenario> SCENARIOS = scenarios();

    private static Map<String, Scenario> scenarios() {
        Map<String, Scenario> s = new LinkedHashMap<>();
        s.put("peer_fin", new Scenario("peer_fin", PEER_FIN, LOCAL_CLOSE));
        s.put("linger_reset", new Scenario("linger_reset", RESET_ON_READ, LOCAL_CLOSE));
        s.put("unread_input_reset", new Scenario("unread_input_reset", RESET_ON_READ, LOCAL_CLOSE));
        s.put("broken_pipe", new Scenario("broken_pipe",
                new Expect("peer_rst", Set.of("reset", "broken_pipe"), "write", "exception"), LOCAL_CLOSE));
        s.put("read_timeout", new Scenario("read_timeout",
                Expect.of("timeout", "read_timeout", "read").withEvent("socket.timeout"), PEER_FIN));
        s.put("use_after_close", new Scenario("use_after_close", LOCAL_CLOSE.withEvent("socket.use_after_close"),
                PEER_FIN));
        s.put("refused", new Scenario("refused", Expect.of("peer_rst", "refused", "connect").withEvent("exception"),
                null));
        s.put("half_close", new Scenario("half_close",
                Expect.of("local_close", "shutdown_output", "close").withEvent("socket.shutdown"), PEER_FIN));
        s.put("async_close", new Scenario("async_close", Expect.of("local_close", "async_close", "close")
                .withEvent("socket.close"), PEER_FIN));
        s.put("interrupt", new Scenario("interrupt", Expect.of("local_close", "interrupt", "close")
                .withEvent("socket.close"), PEER_FIN));
        s.put("nonblocking_peer_fin", new Scenario("nonblocking_peer_fin", PEER_FIN, LOCAL_CLOSE));
        s.put("leaked", new Scenario("leaked", Expect.of("leaked", "gc", "gc").withEvent("socket.open"), PEER_FIN));
        s.put("stale_pooled", new Scenario("stale_pooled",
                Expect.of("peer_fin", "eof", "close").withEvent("socket.peer_closed"), LOCAL_CLOSE));
        return s;
    }

    /**
     * NioSocketImpl (the default java.net.Socket since JDK 13) shuts down output before closing, so closing with
     * unread input sends FIN and then RST (SocketChannel and the legacy impl send only the RST). The peer's first
     * signal is the FIN: its next read sees end of stream, and that is the true origin.
     */
    private static Scenario forApi(String api, Scenario scenario) {
        if (api.equals("java.net.Socket") && scenario.name().equals("unread_input_reset")) {
            return new Scenario(scenario.name(), PEER_FIN, scenario.server());
        }
        return scenario;
    }

    private static OtlpReceiver receiver;

    @BeforeAll
    static void startReceiver() throws Exception {
        receiver = new OtlpReceiver();
    }

    @AfterAll
    static void stopReceiver() {
        receiver.close();
    }

    @TestFactory
    List<DynamicNode> everyScenarioOnEveryJdkAndPath() throws Exception {
        List<DynamicNode> nodes = new ArrayList<>();
        for (Path jdk : Jdks.all()) {
            int version = Jdks.version(jdk);
            nodes.add(run(jdk, "JDK " + version + " java.net.Socket", "java.net.Socket", SocketScenarios.class,
                    SocketScenarios.ALL));
            nodes.add(run(jdk, "JDK " + version + " SocketChannel", "java.nio.channels.SocketChannel",
                    ChannelScenarios.class, ChannelScenarios.ALL));
            if (version <= 17) {
                nodes.add(run(jdk, "JDK " + version + " java.net.Socket with usePlainSocketImpl",
                        "java.net.Socket:plain", SocketScenarios.class, SocketScenarios.ALL,
                        "-Djdk.net.usePlainSocketImpl=true"));
            }
        }
        return nodes;
    }

    private DynamicNode run(Path jdk, String label, String api, Class<?> program, List<String> names,
                            String... jvmArgs) throws Exception {
        String service = "it-" + Math.abs(label.hashCode());
        AgentJvm jvm = new AgentJvm(jdk).exportingTo(receiver, service).arg("-Dsockwatch.close.grace=200ms")
                .arg("-Dsockwatch.open.callsite=true");
        for (String a : jvmArgs) {
            jvm.arg(a);
        }
        AgentJvm.Result result = jvm.run(program);
        List<String> lines = result.lines("SCENARIO ");
        int expected = names.stream().mapToInt(n -> n.equals("refused") || n.equals("listener_closed") ? 1 : 2).sum();
        ServiceSpans received = ServiceSpans.await(receiver, service, expected, result);
        List<ReceivedSpan> mine = received.all();
        String diagnostics = received.diagnostics();
        List<DynamicNode> tests = new ArrayList<>();
        tests.add(dynamicTest("the program ran every scenario", () -> {
            assertEquals(0, result.exitCode(), diagnostics);
            assertEquals(names.size(), lines.size(), diagnostics);
        }));
        for (String line : lines) {
            String[] parts = line.split(" ");
            String name = parts[1];
            long clientPort = Long.parseLong(parts[2].substring("client_port=".length()));
            long serverPort = Long.parseLong(parts[3].substring("server_port=".length()));
            if (name.equals("listener_closed")) {
                tests.add(dynamicTest(name + ": listener span, no connection", () -> {
                    List<ReceivedSpan> atPort = received.atLocalPort(serverPort);
                    assertEquals(1, atPort.size(), "one span for the listener" + diagnostics);
                    ReceivedSpan listener = atPort.get(0);
                    assertEquals("socket.listener", listener.name(), diagnostics);
                    assertEquals("INTERNAL", listener.kind(), diagnostics);
                    assertEquals("local_close", listener.string("socket.close.origin"), diagnostics);
                    assertEquals("accept", listener.string("socket.close.detected_by"), diagnostics);
                    assertTrue(listener.eventNames().contains("socket.accept_failed"), diagnostics);
                }));
                continue;
            }
            Scenario scenario = forApi(api, SCENARIOS.get(name));
            tests.add(dynamicTest(name + ": client", () -> {
                ReceivedSpan client = received.client(clientPort, serverPort);
                assertNotNull(client, "no CLIENT span for " + name + diagnostics);
                assertSide(scenario.client(), client, api, diagnostics);
                assertEquals("localhost".equals(client.string("server.address")) || "127.0.0.1".equals(
                        client.string("server.address")), true, "server.address as asked: " + client);
                assertEquals(serverPort, client.number("server.port"), client.toString());
            }));
            tests.add(dynamicTest(name + ": server", () -> {
                List<ReceivedSpan> servers = received.servers(serverPort);
                if (scenario.server() == null) {
                    assertEquals(List.of(), servers, "no connection was accepted" + diagnostics);
                    return;
                }
                ReceivedSpan server = received.server(serverPort, clientPort);
                assertNotNull(server, "no SERVER span for " + name + diagnostics);
                assertSide(scenario.server(), server, api, diagnostics);
            }));
        }
        return dynamicContainer(label, tests);
    }

    private static void assertSide(Expect expect, ReceivedSpan span, String api, String diagnostics) {
        String where = span + diagnostics;
        assertEquals("socket.connection", span.name());
        assertEquals("io.sockwatch", span.scope());
        assertEquals(api, span.string("socket.api"), where);
        assertEquals(expect.origin(), span.string("socket.close.origin"), where);
        assertTrue(expect.reasons().contains(span.string("socket.close.reason")),
                "reason " + span.string("socket.close.reason") + " not in " + expect.reasons() + ": " + where);
        assertEquals(expect.detectedBy(), span.string("socket.close.detected_by"), where);
        assertEquals("tcp", span.string("network.transport"), where);
        assertEquals("ipv4", span.string("network.type"), where);
        assertEquals("127.0.0.1", span.string("network.peer.address"), where);
        assertNotNull(span.number("socket.bytes.read"), where);
        assertNotNull(span.number("socket.bytes.written"), where);
        assertNotNull(span.number("socket.idle_ms"), where);
        boolean error = Set.of("peer_rst", "timeout", "unreachable", "leaked", "unknown").contains(expect.origin());
        assertEquals(error ? "ERROR" : "UNSET", span.status(), where);
        assertEquals(error, span.string("error.type") != null, "error.type on error spans only: " + where);
        if (expect.event() != null) {
            assertTrue(span.eventNames().contains(expect.event()), "event " + expect.event() + " missing: " + where);
        }
        ReceivedSpan.Event close = span.event("socket.close");
        if (close != null) {
            assertNotNull(close.attributes().get("thread.name"), where);
            Object function = close.attributes().get("code.function.name");
            assertNotNull(function, "call site of the close: " + where);
            assertTrue(function.toString().startsWith("io.sockwatch.e2e.scenarios."), "application frame: " + where);
        }
        ReceivedSpan.Event misuse = span.event("socket.use_after_close");
        if (misuse != null && !"socket.use_after_close".equals(expect.event())) {
            throw new AssertionError("unexpected use after close: " + where);
        }
    }
}
