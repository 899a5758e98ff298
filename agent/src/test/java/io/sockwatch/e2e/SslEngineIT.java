package io.sockwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.sockwatch.e2e.scenarios.SslEngineScenarios;
import io.sockwatch.e2e.support.AgentJvm;
import io.sockwatch.e2e.support.Jdks;
import io.sockwatch.e2e.support.OtlpReceiver;
import io.sockwatch.e2e.support.ReceivedSpan;
import io.sockwatch.e2e.support.ScenarioLine;
import io.sockwatch.e2e.support.ScenarioRun;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The TLS view of SSLEngine connections with real software in a forked JVM (Netty's SslHandler, the JDK HttpClient,
 * Jetty 12): close_notify, truncation and handshake failure land on the right connection, and where no engine can
 * be told its connection (a relay in the same process) nothing TLS is claimed.
 */
class SslEngineIT {

    private static final Set<String> VERSIONS = Set.of("1.2", "1.3");

    /** The spans each scenario line stands for, at least (the JDK HttpClient may retry on a new connection). */
    private static final Map<String, Integer> SPANS = Map.of("netty_close_notify", 2, "netty_truncated", 2,
            "netty_plain", 2, "netty_untrusted", 2, "relayed", 4, "httpclient_jetty", 2);

    @RegisterExtension
    static final OtlpReceiver receiver = OtlpReceiver.forTheClass();

    @TestFactory
    List<DynamicNode> sslEngineConnectionsOnEveryJdk() throws Exception {
        return Jdks.each((jdk, version) -> {
            AgentJvm jvm = new AgentJvm(jdk).localhostTls().withThirdPartyLibraries();
            ScenarioRun run = ScenarioRun.run(jvm, receiver, "JDK " + version + " SSLEngine", SslEngineScenarios.class,
                    lines -> lines.stream().mapToInt(l -> SPANS.getOrDefault(l.name(), 0)).sum());
            AgentJvm.Result result = run.result();
            List<ScenarioLine> lines = run.lines();
            List<ReceivedSpan> spans = run.spans().all();
            String why = run.spans().diagnostics();
            List<DynamicNode> tests = new ArrayList<>();
            tests.add(dynamicTest("ran", () -> {
                assertEquals(0, result.exitCode(), why);
                assertEquals(SPANS.keySet(), lines.stream().map(ScenarioLine::name).collect(Collectors.toSet()), why);
                assertEquals(10, lines.size(), why);
            }));
            int i = 0;
            for (ScenarioLine line : lines) {
                String label = line.name() + " #" + i++;
                tests.add(dynamicTest(label, () -> check(line, spans, why)));
            }
            return List.of(dynamicContainer("JDK " + version, tests));
        });
    }

    /** The one span of {@code kind} whose local port (and peer port, when given) match. */
    private static ReceivedSpan span(List<ReceivedSpan> spans, String kind, long localPort, long peerPort, String why) {
        List<ReceivedSpan> found = spans.stream().filter(s -> s.kind().equals(kind)
                && Long.valueOf(localPort).equals(s.number("network.local.port"))
                && (peerPort == 0 || Long.valueOf(peerPort).equals(s.number("network.peer.port")))).toList();
        assertEquals(1, found.size(), kind + " span with local port " + localPort + " and peer port " + peerPort + why);
        return found.get(0);
    }

    private static void check(ScenarioLine line, List<ReceivedSpan> spans, String why) {
        switch (line.name()) {
            case "netty_close_notify", "netty_truncated", "netty_plain", "netty_untrusted" -> {
                long clientPort = line.port("client_port");
                long serverPort = line.port("server_port");
                ReceivedSpan client = span(spans, "CLIENT", clientPort, serverPort, why);
                ReceivedSpan server = span(spans, "SERVER", serverPort, clientPort, why);
                switch (line.name()) {
                    case "netty_close_notify" -> {
                        assertEstablished(client, why);
                        assertEstablished(server, why);
                        assertEquals("local_close", client.string("socket.close.origin"), client + why);
                        // The client's close_notify came before its FIN: the server saw the TLS session end first.
                        assertEquals("peer_fin", server.string("socket.close.origin"), server + why);
                        assertEquals("close_notify", server.string("socket.close.reason"), server + why);
                        assertEquals("received", server.string("socket.tls.close_notify"), server + why);
                        assertEquals(false, server.attributes().get("socket.tls.truncated"), server + why);
                        assertTrue(server.eventNames().contains("socket.tls.close_notify"), server + why);
                    }
                    case "netty_truncated" -> {
                        assertEstablished(client, why);
                        assertEstablished(server, why);
                        assertEquals("local_close", client.string("socket.close.origin"), client + why);
                        assertEquals("peer_fin", server.string("socket.close.origin"), server + why);
                        assertEquals("eof", server.string("socket.close.reason"), server + why);
                        assertEquals("none", server.string("socket.tls.close_notify"), server + why);
                        assertEquals(true, server.attributes().get("socket.tls.truncated"), server + why);
                    }
                    case "netty_plain" -> {
                        assertNoTls(client, why);
                        assertNoTls(server, why);
                    }
                    default -> { // netty_untrusted
                        for (ReceivedSpan s : List.of(client, server)) {
                            assertEquals(false, s.attributes().get("tls.established"), s + why);
                            assertNotNull(s.string("socket.tls.handshake.error"), s + why);
                            assertTrue(s.eventNames().containsAll(List.of("exception", "socket.tls.handshake_failed")),
                                    s + why);
                            assertEquals(false, s.attributes().get("socket.tls.truncated"), s + why);
                            assertNull(s.string("tls.protocol.version"), s + why);
                        }
                        // The client rejected the certificate; the server heard of it through the client's alert.
                        assertTrue(client.string("socket.tls.handshake.error").contains("SSLHandshakeException"),
                                client + why);
                        assertTrue(server.string("socket.tls.handshake.error").contains("certificate"), server + why);
                    }
                }
            }
            case "relayed" -> {
                long clientPort = line.port("client_port");
                long relayPort = line.port("server_port");
                long relayedPort = line.port("relayed_port");
                long targetPort = line.port("target_port");
                for (ReceivedSpan s : List.of(span(spans, "CLIENT", clientPort, relayPort, why),
                        span(spans, "SERVER", relayPort, clientPort, why),
                        span(spans, "CLIENT", relayedPort, targetPort, why),
                        span(spans, "SERVER", targetPort, relayedPort, why))) {
                    assertNoTls(s, why);
                }
            }
            case "httpclient_jetty" -> {
                long port = line.port("server_port");
                // By address too: an earlier scenario's Netty server (which clients reach as "localhost") may have
                // had the same ephemeral port before Jetty; the HttpClient asks for 127.0.0.1.
                List<ReceivedSpan> clients = spans.stream().filter(s -> s.kind().equals("CLIENT")
                        && Long.valueOf(port).equals(s.number("server.port"))
                        && "127.0.0.1".equals(s.string("server.address"))).toList();
                List<ReceivedSpan> tls = clients.stream().filter(s -> s.string("tls.protocol.name") != null).toList();
                assertEquals(1, tls.size(), "one HttpClient connection with TLS" + why);
                for (ReceivedSpan other : clients) {
                    // A retry after a connection Jetty timed out before its ServerHello: no hello, no TLS view.
                    assertTrue(other == tls.get(0) || Long.valueOf(0).equals(other.number("socket.bytes.read")),
                            other + why);
                }
                ReceivedSpan client = tls.get(0);
                ReceivedSpan server = span(spans, "SERVER", port, client.number("network.local.port"), why);
                assertEstablished(client, why);
                assertEstablished(server, why);
                if (server.string("socket.close.origin").equals("local_close")) {
                    // Jetty's idle timeout ended the TLS session first (close_notify), then the connection.
                    assertEquals("peer_fin", client.string("socket.close.origin"), client + why);
                    assertEquals("close_notify", client.string("socket.close.reason"), client + why);
                    assertEquals("received", client.string("socket.tls.close_notify"), client + why);
                } else {
                    // The client closed first, without close_notify (JDK 17's pool probe), with or without the
                    // byte it had read unread by the TLS layer still in its socket: a FIN (the TLS stream Jetty
                    // received ended without close_notify) or a reset.
                    assertEquals("local_close", client.string("socket.close.origin"), client + why);
                    assertEquals("none", server.string("socket.tls.close_notify"), server + why);
                    if (server.string("socket.close.origin").equals("peer_fin")) {
                        assertEquals("eof", server.string("socket.close.reason"), server + why);
                        assertEquals(true, server.attributes().get("socket.tls.truncated"), server + why);
                    } else {
                        assertEquals("peer_rst", server.string("socket.close.origin"), server + why);
                        assertEquals(false, server.attributes().get("socket.tls.truncated"), server + why);
                    }
                }
            }
            default -> throw new AssertionError("unknown scenario " + line);
        }
    }

    private static void assertEstablished(ReceivedSpan s, String why) {
        assertEquals("tls", s.string("tls.protocol.name"), s + why);
        assertEquals(true, s.attributes().get("tls.established"), s + why);
        assertTrue(VERSIONS.contains(s.string("tls.protocol.version")), s + why);
        assertNull(s.string("socket.tls.handshake.error"), s + why);
    }

    private static void assertNoTls(ReceivedSpan s, String why) {
        for (String key : s.attributes().keySet()) {
            assertTrue(!key.startsWith("tls.") && !key.startsWith("socket.tls."), key + " on " + s + why);
        }
    }
}
