package io.sockwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.sockwatch.e2e.scenarios.AsyncChannelScenarios;
import io.sockwatch.e2e.support.AgentJvm;
import io.sockwatch.e2e.support.Expected;
import io.sockwatch.e2e.support.Jdks;
import io.sockwatch.e2e.support.OtlpReceiver;
import io.sockwatch.e2e.support.ReceivedSpan;
import io.sockwatch.e2e.support.ServiceSpans;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/**
 * AsynchronousSocketChannel in a forked JVM with the real agent, spans over real OTLP: every scenario of
 * {@link AsyncChannelScenarios}, both sides, with the verdict, the deciding event and the exact byte counts.
 */
class AsynchronousChannelIT {

    private static final String ASYNC = "java.nio.channels.AsynchronousSocketChannel";
    private static final String SOCKET = "java.net.Socket";

    private record Scenario(Expected client, Expected server) {
    }

    private static Expected client(String origin, String reason, String detectedBy) {
        return Expected.client(ASYNC, origin, reason, detectedBy);
    }

    private static Expected server(String origin, String reason, String detectedBy) {
        return Expected.server(ASYNC, origin, reason, detectedBy);
    }

    private static final Map<String, Scenario> SCENARIOS = scenarios();

    private static Map<String, Scenario> scenarios() {
        Map<String, Scenario> s = new LinkedHashMap<>();
        s.put("peer_fin", new Scenario(client("peer_fin", "eof", "read").event("socket.eof").bytes(3, 0),
                server("local_close", "close", "close").event("socket.close").bytes(0, 3)));
        s.put("peer_fin_future", new Scenario(client("peer_fin", "eof", "read").event("socket.eof").bytes(6, 5),
                server("local_close", "close", "close").event("socket.close").bytes(5, 6)));
        s.put("linger_reset", new Scenario(client("peer_rst", "reset", "read").event("exception"),
                Expected.server(SOCKET, "local_close", "close", "close")));
        s.put("client_linger_reset", new Scenario(Expected.client(SOCKET, "local_close", "close", "close"),
                server("peer_rst", "reset", "read").event("exception")));
        s.put("unread_input_reset", new Scenario(client("peer_rst", "reset", "read").event("exception").bytes(0, 100),
                server("local_close", "close", "close")));
        s.put("broken_pipe", new Scenario(client("peer_rst", "broken_pipe", "write").reasons("broken_pipe", "reset")
                .event("exception").bytesWrittenAtLeast(0, 100 + 1024),
                server("local_close", "close", "close").bytes(100, 0)));
        s.put("read_timeout", new Scenario(client("timeout", "read_timeout", "read").event("socket.timeout")
                .errorType("java.nio.channels.InterruptedByTimeoutException"),
                server("peer_fin", "eof", "read").event("socket.eof")));
        s.put("idle_timeout", new Scenario(client("peer_fin", "eof", "read").event("socket.eof"),
                server("timeout", "read_timeout", "read").event("socket.timeout")
                        .errorType("java.nio.channels.InterruptedByTimeoutException")));
        s.put("local_close", new Scenario(client("local_close", "close", "close").event("socket.close").bytes(0, 7),
                server("peer_fin", "eof", "read").event("socket.eof").bytes(7, 0)));
        s.put("async_close", new Scenario(client("local_close", "async_close", "close").event("socket.close"),
                server("peer_fin", "eof", "read")));
        s.put("refused", new Scenario(client("peer_rst", "refused", "connect").event("exception")
                .errorType("java.net.ConnectException"), null));
        s.put("half_close", new Scenario(client("local_close", "shutdown_output", "close").event("socket.shutdown")
                .bytes(8, 7), server("peer_fin", "eof", "read").bytes(7, 8)));
        s.put("shutdown_input", new Scenario(client("local_close", "shutdown_input", "close").event("socket.shutdown"),
                server("peer_fin", "eof", "read")));
        s.put("stale_pooled", new Scenario(client("peer_fin", "eof", "close").event("socket.peer_closed"),
                server("local_close", "close", "close")));
        s.put("use_after_close", new Scenario(client("local_close", "close", "close").event("socket.use_after_close"),
                server("peer_fin", "eof", "read")));
        s.put("interrupted_close", new Scenario(client("local_close", "close", "close").event("socket.close"),
                server("peer_fin", "eof", "read")));
        return s;
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
    List<DynamicNode> everyScenarioOnEveryJdk() throws Exception {
        List<DynamicNode> nodes = new ArrayList<>();
        for (Path jdk : Jdks.all()) {
            nodes.add(run(jdk, "JDK " + Jdks.version(jdk) + " AsynchronousSocketChannel"));
        }
        return nodes;
    }

    private DynamicNode run(Path jdk, String label) throws Exception {
        String service = "async-" + Math.abs(label.hashCode());
        AgentJvm.Result result = new AgentJvm(jdk).exportingTo(receiver, service)
                .arg("-Dsockwatch.close.grace=200ms").run(AsyncChannelScenarios.class);
        List<String> lines = result.lines("SCENARIO ");
        // Two spans per scenario; refused has no server, listener_closed is one listener span.
        int expected = 2 * AsyncChannelScenarios.ALL.size() - 2;
        ServiceSpans received = ServiceSpans.await(receiver, service, expected, result);
        List<ReceivedSpan> mine = received.all();
        String diagnostics = received.diagnostics();
        List<DynamicNode> tests = new ArrayList<>();
        tests.add(dynamicTest("the program ran every scenario, and nothing was reported unsupported", () -> {
            assertEquals(0, result.exitCode(), diagnostics);
            assertEquals(AsyncChannelScenarios.ALL.size(), lines.size(), diagnostics);
            assertTrue(result.output().lines().noneMatch(l -> l.startsWith("sockwatch: unsupported")), diagnostics);
            assertEquals(expected, mine.size(), "one span per connection and no other: " + diagnostics);
        }));
        for (String line : lines) {
            String[] parts = line.split(" ");
            String name = parts[1];
            long clientPort = Long.parseLong(parts[2].substring("client_port=".length()));
            long serverPort = Long.parseLong(parts[3].substring("server_port=".length()));
            if (name.equals("listener_closed")) {
                tests.add(dynamicTest(name + ": one listener span, no connection", () -> {
                    List<ReceivedSpan> atPort = received.atLocalPort(serverPort);
                    assertEquals(1, atPort.size(), diagnostics);
                    ReceivedSpan listener = atPort.get(0);
                    assertEquals("socket.listener", listener.name(), diagnostics);
                    assertEquals("INTERNAL", listener.kind(), diagnostics);
                    assertEquals(ASYNC, listener.string("socket.api"), diagnostics);
                    assertEquals("local_close", listener.string("socket.close.origin"), diagnostics);
                    assertEquals("async_close", listener.string("socket.close.reason"), diagnostics);
                    assertEquals("accept", listener.string("socket.close.detected_by"), diagnostics);
                    assertTrue(listener.eventNames().contains("socket.accept_failed"), diagnostics);
                }));
                continue;
            }
            Scenario scenario = SCENARIOS.get(name);
            tests.add(dynamicTest(name + ": client", () -> {
                ReceivedSpan client = received.client(clientPort, serverPort);
                assertNotNull(client, "no CLIENT span for " + name + diagnostics);
                scenario.client().check(client, diagnostics);
                checkTcp(client, diagnostics);
                assertEquals(serverPort, client.number("server.port"), client + diagnostics);
                if (clientPort == 0) {
                    assertNull(client.string("network.local.address"), "the connect never bound: " + client);
                }
                checkSpecifics(name, client, diagnostics);
            }));
            tests.add(dynamicTest(name + ": server", () -> {
                List<ReceivedSpan> servers = received.servers(serverPort);
                if (scenario.server() == null) {
                    assertEquals(List.of(), servers, "no connection was accepted" + diagnostics);
                    return;
                }
                ReceivedSpan server = received.server(serverPort, clientPort);
                assertNotNull(server, "no SERVER span for " + name + diagnostics);
                scenario.server().check(server, diagnostics);
                checkTcp(server, diagnostics);
                checkSpecifics(name, server, diagnostics);
            }));
        }
        return dynamicContainer(label, tests);
    }

    private static void checkTcp(ReceivedSpan span, String diagnostics) {
        assertEquals("tcp", span.string("network.transport"), span + diagnostics);
        assertEquals("ipv4", span.string("network.type"), span + diagnostics);
        assertEquals("127.0.0.1", span.string("network.peer.address"), span + diagnostics);
    }

    /** What only some scenarios show. */
    private static void checkSpecifics(String name, ReceivedSpan span, String diagnostics) {
        String where = span + diagnostics;
        boolean timedOut = "timeout".equals(span.string("socket.close.origin"));
        if (timedOut) {
            assertEquals("read", span.event("socket.timeout").attributes().get("socket.operation"), where);
        }
        if (name.equals("shutdown_input") && span.kind().equals("CLIENT")) {
            assertEquals(true, span.event("socket.eof").attributes().get("socket.eof.after_local_shutdown"), where);
        }
        if (name.equals("async_close") && span.kind().equals("CLIENT")) {
            // The pending read is what the close interrupted; its AsynchronousCloseException is no misuse.
            assertEquals(1L, span.event("socket.close").attributes().get("socket.close.threads_in_io"), where);
        }
        if (span.event("socket.close") != null && ASYNC.equals(span.string("socket.api"))) {
            Object function = span.event("socket.close").attributes().get("code.function.name");
            assertNotNull(function, "call site of the close: " + where);
            assertTrue(function.toString().startsWith("io.sockwatch.e2e.scenarios."), "application frame: " + where);
        }
    }
}
