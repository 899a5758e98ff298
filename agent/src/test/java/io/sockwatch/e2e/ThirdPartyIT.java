package io.sockwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.sockwatch.e2e.scenarios.ThirdPartyScenarios;
import io.sockwatch.e2e.support.AgentJvm;
import io.sockwatch.e2e.support.Jdks;
import io.sockwatch.e2e.support.OtlpReceiver;
import io.sockwatch.e2e.support.ReceivedSpan;
import io.sockwatch.e2e.support.ScenarioLine;
import io.sockwatch.e2e.support.ScenarioRun;
import io.sockwatch.e2e.support.ServiceSpans;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Jetty + JDK HttpClient, Netty, HttpURLConnection and SSLSocket, each ending connections in two ways, observed by
 * the agent in a forked JVM; the origin is asserted on both sides.
 */
class ThirdPartyIT {

    private static final Set<String> PEER = Set.of("peer_fin", "peer_rst");

    /** Acceptable client and server origins; null: that side has no span. */
    private static final Map<String, List<Set<String>>> EXPECTED = Map.of(
            "jetty_idle_timeout", List.of(Set.of("peer_fin"), Set.of("local_close")),
            "jetty_client_timeout", List.of(Set.of("local_close"), PEER),
            "netty_client_close", List.of(Set.of("local_close"), Set.of("peer_fin")),
            "netty_server_reset", List.of(Set.of("peer_rst"), Set.of("local_close")),
            "urlconnection_stale_keepalive", List.of(PEER, Set.of("local_close")),
            "urlconnection_refused", List.of(Set.of("peer_rst"), Set.of()),
            "tls_client_close", List.of(Set.of("local_close"), Set.of("peer_fin")),
            // The server's TLS layer sends close_notify before the TCP reset: the client reads the close_notify.
            "tls_server_reset", List.of(PEER, Set.of("local_close")));

    @RegisterExtension
    static final OtlpReceiver receiver = OtlpReceiver.forTheClass();

    @TestFactory
    List<DynamicNode> thirdPartySoftwareOnEveryJdk() throws Exception {
        return Jdks.each((jdk, version) -> {
            AgentJvm jvm = new AgentJvm(jdk).localhostTls().withThirdPartyLibraries();
            // At least a client per scenario, and a server where one accepted (retries may add more).
            ScenarioRun run = ScenarioRun.run(jvm, receiver, "JDK " + version + " third party",
                    ThirdPartyScenarios.class, lines -> lines.stream()
                            .mapToInt(l -> EXPECTED.get(l.name()).get(1).isEmpty() ? 1 : 2).sum());
            AgentJvm.Result result = run.result();
            List<ScenarioLine> lines = run.lines();
            ServiceSpans spans = run.spans();
            String why = spans.diagnostics();
            List<DynamicNode> tests = new ArrayList<>();
            tests.add(dynamicTest("ran", () -> {
                assertEquals(0, result.exitCode(), why);
                assertEquals(ThirdPartyScenarios.ALL.size(), lines.size(), why);
            }));
            for (ScenarioLine line : lines) {
                String name = line.name();
                List<ReceivedSpan> clients = spans.clients(line.clientPort(), line.serverPort());
                List<ReceivedSpan> servers = spans.servers(line.serverPort());
                List<Set<String>> expected = EXPECTED.get(name);
                tests.add(dynamicTest(name + ": client", () -> {
                    assertFalse(clients.isEmpty(), "client span of " + name + why);
                    for (ReceivedSpan c : clients) {
                        assertTrue(expected.get(0).contains(c.string("socket.close.origin")),
                                name + " client " + c + why);
                    }
                }));
                if (!name.startsWith("tls_")) {
                    tests.add(dynamicTest(name + ": no TLS view", () -> {
                        for (ReceivedSpan span : Stream.concat(clients.stream(), servers.stream()).toList()) {
                            assertTrue(span.attributes().keySet().stream().noneMatch(k -> k.startsWith("tls.")
                                    || k.startsWith("socket.tls.")), span + why);
                        }
                    }));
                }
                if (name.startsWith("tls_")) {
                    tests.add(dynamicTest(name + ": TLS view", () -> {
                        for (ReceivedSpan span : Stream.concat(clients.stream(), servers.stream()).toList()) {
                            assertEquals(Boolean.TRUE, span.attributes().get("tls.established"), span + why);
                            assertTrue(Set.of("1.2", "1.3").contains(span.string("tls.protocol.version")), span + why);
                        }
                        ReceivedSpan closedFirst = name.equals("tls_client_close") ? servers.get(0) : clients.get(0);
                        assertEquals("received", closedFirst.string("socket.tls.close_notify"), closedFirst + why);
                        assertEquals("close_notify", closedFirst.string("socket.close.reason"), closedFirst + why);
                    }));
                }
                tests.add(dynamicTest(name + ": server", () -> {
                    if (expected.get(1).isEmpty()) {
                        assertEquals(List.of(), servers, why);
                        return;
                    }
                    assertFalse(servers.isEmpty(), "server span of " + name + why);
                    for (ReceivedSpan s : servers) {
                        assertTrue(expected.get(1).contains(s.string("socket.close.origin")),
                                name + " server " + s + why);
                    }
                }));
            }
            return List.of(dynamicContainer("JDK " + version, tests));
        });
    }
}
