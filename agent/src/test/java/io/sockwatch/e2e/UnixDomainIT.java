package io.sockwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;

import io.sockwatch.e2e.scenarios.UnixChannelScenarios;
import io.sockwatch.e2e.support.AgentJvm;
import io.sockwatch.e2e.support.Expected;
import io.sockwatch.e2e.support.Jdks;
import io.sockwatch.e2e.support.OtlpReceiver;
import io.sockwatch.e2e.support.ReceivedSpan;
import io.sockwatch.e2e.support.ScenarioLine;
import io.sockwatch.e2e.support.ScenarioRun;
import io.sockwatch.e2e.support.ScenarioRun.Sides;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Unix domain SocketChannels in a forked JVM with the real agent: the verdicts, and the attributes OpenTelemetry's
 * conventions give a Unix domain connection (transport {@code unix}, the socket file as the address, no port, no
 * {@code network.type}).
 */
class UnixDomainIT {

    private static final String API = "java.nio.channels.SocketChannel";

    private static Expected client(String origin, String reason, String detectedBy) {
        return Expected.client(API, origin, reason, detectedBy);
    }

    private static Expected server(String origin, String reason, String detectedBy) {
        return Expected.server(API, origin, reason, detectedBy);
    }

    private static final Map<String, Sides> SCENARIOS = scenarios();

    private static Map<String, Sides> scenarios() {
        Map<String, Sides> s = new LinkedHashMap<>();
        s.put("peer_fin", new Sides(client("peer_fin", "eof", "read").event("socket.eof").bytes(3, 0),
                server("local_close", "close", "close").event("socket.close").bytes(0, 3)));
        s.put("local_close", new Sides(client("local_close", "close", "close").event("socket.close").bytes(0, 7),
                server("peer_fin", "eof", "read").event("socket.eof").bytes(7, 0)));
        s.put("async_close", new Sides(client("local_close", "async_close", "close").event("socket.close"),
                server("peer_fin", "eof", "read")));
        s.put("interrupt", new Sides(client("local_close", "interrupt", "close").event("socket.close"),
                server("peer_fin", "eof", "read")));
        // No RST on AF_UNIX: the kernel reports ECONNRESET because the peer closed with our 10 bytes unread.
        s.put("unread_input_reset", new Sides(client("peer_rst", "reset", "read").event("exception").bytes(0, 10)
                        .errorType("java.net.SocketException"),
                server("local_close", "close", "close")));
        s.put("broken_pipe", new Sides(client("peer_fin", "broken_pipe", "write").event("exception")
                        .errorType("java.io.IOException"),
                server("local_close", "close", "close")));
        s.put("stale_pooled", new Sides(client("peer_fin", "eof", "close").event("socket.peer_closed"),
                server("local_close", "close", "close")));
        // Contract v2 on AF_UNIX: the peer's close is found before the reuse's write, whose EPIPE comes after.
        s.put("stale_reuse", new Sides(client("peer_fin", "eof", "reuse").event("socket.stale_reuse").bytes(0, 4)
                        .errorType("java.io.IOException"),
                server("local_close", "close", "close").bytes(4, 0)));
        s.put("goodbye", new Sides(client("local_close", "close", "close").event("socket.goodbye").bytes(0, 4),
                server("local_close", "close", "close").bytes(4, 0)));
        s.put("refused", new Sides(client("peer_rst", "refused", "connect").event("exception")
                .errorType("java.net.ConnectException").neverClosed(), null));
        return s;
    }

    @RegisterExtension
    static final OtlpReceiver receiver = OtlpReceiver.forTheClass();

    @TestFactory
    List<DynamicNode> everyScenarioOnEveryJdk() throws Exception {
        return Jdks.each((jdk, version) -> List.of(run(jdk, "JDK " + version + " Unix domain SocketChannel")));
    }

    private DynamicNode run(Path jdk, String label) throws Exception {
        int expected = 2 * UnixChannelScenarios.ALL.size() - 1; // refused has no server
        ScenarioRun run = ScenarioRun.run(new AgentJvm(jdk), receiver, label, UnixChannelScenarios.class, expected);
        List<ReceivedSpan> mine = run.spans().all();
        List<DynamicNode> tests = new ArrayList<>();
        tests.add(run.ran(UnixChannelScenarios.ALL.size()));
        for (ScenarioLine line : run.lines()) {
            String path = line.get("path");
            Sides scenario = SCENARIOS.get(line.name());
            tests.add(run.side(line.name() + ": client", line, scenario.client(), () -> mine.stream()
                    .filter(s -> s.kind().equals("CLIENT") && path.equals(s.string("network.peer.address"))).toList(),
                    UnixDomainIT::checkClient));
            tests.add(run.side(line.name() + ": server", line, scenario.server(), () -> mine.stream()
                    .filter(s -> s.kind().equals("SERVER") && path.equals(s.string("network.local.address"))).toList(),
                    UnixDomainIT::checkServer));
        }
        return dynamicContainer(label, tests);
    }

    private static void checkClient(ScenarioLine line, ReceivedSpan client, String diagnostics) {
        checkUnix(client, diagnostics);
        assertEquals(line.get("path"), client.string("server.address"), "the socket file asked for: " + client);
        assertNull(client.string("network.local.address"), "an unbound client has no name: " + client);
        // stale_pooled's Expected wants this event; wherever it is, it names no TCP state.
        for (ReceivedSpan.Event e : client.events()) {
            if (e.name().equals("socket.peer_closed")) {
                assertNull(e.attributes().get("network.tcp.state"), "no TCP state on AF_UNIX: " + client);
            }
        }
    }

    private static void checkServer(ScenarioLine line, ReceivedSpan server, String diagnostics) {
        checkUnix(server, diagnostics);
        assertNull(server.string("network.peer.address"), "the client end is unnamed: " + server);
        assertNull(server.string("server.address"), "SERVER spans name no server: " + server);
    }

    private static void checkUnix(ReceivedSpan span, String diagnostics) {
        String where = span + diagnostics;
        assertEquals("unix", span.string("network.transport"), where);
        assertNull(span.string("network.type"), "network.type is ipv4 or ipv6 only: " + where);
        for (String port : List.of("network.peer.port", "network.local.port", "server.port")) {
            assertNull(span.number(port), port + " on a Unix domain socket: " + where);
        }
    }
}
