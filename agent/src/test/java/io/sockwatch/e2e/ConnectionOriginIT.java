package io.sockwatch.e2e;

import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;

import io.sockwatch.e2e.scenarios.ChannelScenarios;
import io.sockwatch.e2e.scenarios.SocketScenarios;
import io.sockwatch.e2e.support.AgentJvm;
import io.sockwatch.e2e.support.Expected;
import io.sockwatch.e2e.support.Jdks;
import io.sockwatch.e2e.support.OtlpReceiver;
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
 * Real sockets in a separate JVM with the real agent jar, spans received over real OTLP/HTTP: for every
 * scenario, the client span and the server span must carry the origin that matches what the sockets did.
 */
class ConnectionOriginIT {

    /** Every scenario of {@link SocketScenarios} and {@link ChannelScenarios} as {@code api} must report it. */
    private static Map<String, Sides> scenarios(String api) {
        Expected localClose = Expected.server(api, "local_close", "close", "close").event("socket.close");
        Expected peerFin = Expected.server(api, "peer_fin", "eof", "read").event("socket.eof");
        Expected resetOnRead = Expected.client(api, "peer_rst", "reset", "read").event("exception");
        Map<String, Sides> s = new LinkedHashMap<>();
        s.put("peer_fin", new Sides(Expected.client(api, "peer_fin", "eof", "read").event("socket.eof").bytes(3, 0),
                localClose.bytes(0, 3)));
        s.put("linger_reset", new Sides(resetOnRead, localClose));
        // NioSocketImpl (the default java.net.Socket since JDK 13) shuts down output before closing, so closing with
        // unread input sends FIN and then RST (SocketChannel and the legacy impl send only the RST). The peer's first
        // signal is the FIN: its next read sees end of stream, and that is the true origin.
        s.put("unread_input_reset", new Sides(api.equals("java.net.Socket")
                ? Expected.client(api, "peer_fin", "eof", "read").event("socket.eof").bytes(0, 100)
                : resetOnRead.bytes(0, 100), localClose));
        // EPIPE when the peer's FIN came before its RST, ECONNRESET when the RST came alone (contract v2).
        s.put("broken_pipe", new Sides(Expected.client(api, "peer_fin", "broken_pipe", "write")
                .or("peer_rst", "reset").event("exception").bytesWrittenAtLeast(0, 100), localClose));
        s.put("read_timeout", new Sides(Expected.client(api, "timeout", "read_timeout", "read")
                .event("socket.timeout"), peerFin));
        s.put("use_after_close", new Sides(Expected.client(api, "local_close", "close", "close")
                .event("socket.use_after_close"), peerFin));
        s.put("refused", new Sides(Expected.client(api, "peer_rst", "refused", "connect").event("exception")
                .neverClosed(), null));
        s.put("half_close", new Sides(Expected.client(api, "local_close", "shutdown_output", "close")
                .event("socket.shutdown").bytes(8, 7), peerFin.bytes(7, 8)));
        s.put("async_close", new Sides(Expected.client(api, "local_close", "async_close", "close")
                .event("socket.close"), peerFin));
        s.put("interrupt", new Sides(Expected.client(api, "local_close", "interrupt", "close")
                .event("socket.close"), peerFin));
        s.put("nonblocking_peer_fin", new Sides(Expected.client(api, "peer_fin", "eof", "read").event("socket.eof")
                .bytes(3, 0), localClose.bytes(0, 3)));
        s.put("leaked", new Sides(Expected.client(api, "leaked", "gc", "gc").event("socket.open").neverClosed(),
                peerFin));
        s.put("stale_pooled", new Sides(Expected.client(api, "peer_fin", "eof", "close")
                .event("socket.peer_closed"), localClose));
        // Contract v2: the server closed the idle connection; the reuse's write is checked first.
        s.put("stale_reuse", new Sides(Expected.client(api, "peer_fin", "eof", "reuse")
                .event("socket.stale_reuse").bytes(4, 8), localClose.bytes(4, 4)));
        // Contract v2: the server's FIN answered the client's last write: the client's ending.
        s.put("goodbye", new Sides(Expected.client(api, "local_close", "close", "close").event("socket.goodbye")
                .bytes(0, 4), localClose.bytes(4, 0)));
        return s;
    }

    @RegisterExtension
    static final OtlpReceiver receiver = OtlpReceiver.forTheClass();

    @TestFactory
    List<DynamicNode> everyScenarioOnEveryJdkAndPath() throws Exception {
        return Jdks.each((jdk, version) -> {
            List<DynamicNode> paths = new ArrayList<>();
            paths.add(run(jdk, "JDK " + version + " java.net.Socket", "java.net.Socket", SocketScenarios.class,
                    SocketScenarios.ALL));
            paths.add(run(jdk, "JDK " + version + " SocketChannel", "java.nio.channels.SocketChannel",
                    ChannelScenarios.class, ChannelScenarios.ALL));
            if (version <= 17) {
                paths.add(run(jdk, "JDK " + version + " java.net.Socket with usePlainSocketImpl",
                        "java.net.Socket:plain", SocketScenarios.class, SocketScenarios.ALL,
                        "-Djdk.net.usePlainSocketImpl=true"));
            }
            return paths;
        });
    }

    private DynamicNode run(Path jdk, String label, String api, Class<?> program, List<String> names,
                            String... jvmArgs) throws Exception {
        AgentJvm jvm = new AgentJvm(jdk).arg("-Dsockwatch.open.callsite=true");
        for (String a : jvmArgs) {
            jvm.arg(a);
        }
        int expected = names.stream().mapToInt(n -> n.equals("refused") || n.equals("listener_closed") ? 1 : 2).sum();
        ScenarioRun run = ScenarioRun.run(jvm, receiver, label, program, expected);
        Map<String, Sides> scenarios = scenarios(api);
        List<DynamicNode> tests = new ArrayList<>();
        tests.add(run.ran(names.size()));
        for (ScenarioLine line : run.lines()) {
            if (line.name().equals("listener_closed")) {
                // A ServerSocket closed under a blocked accept reports close; a ServerSocketChannel async_close.
                tests.add(run.listener(line, Expected.listener(api, api.startsWith("java.net.Socket") ? "close"
                        : "async_close")));
                continue;
            }
            Sides sides = scenarios.get(line.name());
            tests.addAll(run.tcp(line, sides, ScenarioRun.SideCheck.NONE));
        }
        return dynamicContainer(label, tests);
    }
}
