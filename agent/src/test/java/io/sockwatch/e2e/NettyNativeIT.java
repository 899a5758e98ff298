package io.sockwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.sockwatch.e2e.scenarios.GrpcScenarios;
import io.sockwatch.e2e.scenarios.NettyAttach;
import io.sockwatch.e2e.scenarios.NettyNativeScenarios;
import io.sockwatch.e2e.scenarios.ReactorNettyScenarios;
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
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Raw Netty on its native transports in a forked JVM with the real agent jar: epoll on Netty 4.1 and 4.2, io_uring
 * on 4.2 where the kernel allows it (else the test says why and is skipped); and gRPC-java on the epoll it shades.
 * Both sides of every ending are asserted, with the transport Netty reported using.
 */
class NettyNativeIT {

    /** Closes run on Netty's event loop: the call site is Netty's channel code, as on its NIO transport. */
    private static final String NETTY = "io.netty.channel.";

    private static Map<String, Sides> scenarios(String api) {
        Expected localClose = Expected.server(api, "local_close", "close", "close").event("socket.close")
                .closedIn(NETTY);
        Expected peerFin = Expected.server(api, "peer_fin", "eof", "read").event("socket.eof").closedIn(NETTY);
        Map<String, Sides> s = new LinkedHashMap<>();
        s.put("client_close", new Sides(Expected.client(api, "local_close", "close", "close").event("socket.close")
                .bytes(5, 5).closedIn(NETTY), peerFin.bytes(5, 5)));
        s.put("server_close", new Sides(Expected.client(api, "peer_fin", "eof", "read").event("socket.eof")
                .bytes(3, 5).closedIn(NETTY), localClose.bytes(5, 3)));
        s.put("server_reset", new Sides(Expected.client(api, "peer_rst", "reset", "read").event("exception")
                .bytes(0, 5).closedIn(NETTY), localClose.bytes(5, 0)));
        s.put("refused", new Sides(Expected.client(api, "peer_rst", "refused", "connect").event("exception")
                .neverClosed(), null));
        // Netty reads the end of stream first (epoll reports the peer's FIN at once, io_uring has a read pending);
        // the writes that follow draw the peer's RST, then fail: an exception event on a span the FIN decided.
        s.put("write_after_peer_close", new Sides(Expected.client(api, "peer_fin", "eof", "read")
                .event("socket.eof").bytes(0, 100).closedIn(NETTY), localClose.bytes(0, 0)));
        // The server sends a file region (epoll's sendfile, io_uring's two splices: counted once) and closes.
        s.put("file_region", new Sides(Expected.client(api, "peer_fin", "eof", "read").event("socket.eof")
                .bytes(NettyNativeScenarios.FILE_BYTES, 0).closedIn(NETTY),
                localClose.bytes(0, NettyNativeScenarios.FILE_BYTES)));
        // The same over a socket file (Netty's DomainSocketAddress, reported as the JDK's Unix domain addresses).
        s.put("uds_client_close", s.get("client_close"));
        s.put("uds_server_close", s.get("server_close"));
        s.put("client_shutdown_output", new Sides(Expected.client(api, "local_close", "shutdown_output", "close")
                .event("socket.shutdown").bytes(0, 5).closedIn(NETTY), peerFin.bytes(5, 0)));
        return s;
    }

    @RegisterExtension
    static final OtlpReceiver receiver = OtlpReceiver.forTheClass();

    @TestFactory
    List<DynamicNode> everyEndingOnEveryNativeTransport() throws Exception {
        return Jdks.each((jdk, version) -> List.of(
                run(jdk, version, 41, "4.1.137.Final", "epoll", "netty.epoll"),
                run(jdk, version, 42, "4.2.18.Final", "epoll", "netty.epoll"),
                run(jdk, version, 42, "4.2.18.Final", "io_uring", "netty.io_uring")));
    }

    /**
     * Netty 4.2 as named modules (its jars carry module-info) on the module path, the program on the class path: the
     * advice woven into a named module reaches the bridge in the boot loader all the same.
     */
    @TestFactory
    List<DynamicNode> nettyAsNamedModules() throws Exception {
        return Jdks.each((jdk, version) -> {
            String label = "JDK " + version + " Netty module path";
            String modulePath;
            try (var jars = java.nio.file.Files.list(Path.of(System.getProperty("sockwatch.it.libs",
                    "target/it-libs") + "-netty42"))) {
                modulePath = String.join(java.io.File.pathSeparator, jars.map(Path::toString)
                        .filter(j -> j.endsWith(".jar") && !j.contains("io_uring")).sorted().toList());
            }
            AgentJvm jvm = new AgentJvm(jdk).arg("--module-path").arg(modulePath)
                    .arg("--add-modules").arg("ALL-MODULE-PATH");
            ScenarioRun run = ScenarioRun.run(jvm, receiver, label, NettyNativeScenarios.class, lines -> 4,
                    "epoll", "client_close", "server_reset");
            List<DynamicNode> tests = new ArrayList<>();
            tests.add(run.ran(2));
            Map<String, Sides> scenarios = scenarios("netty.epoll");
            for (ScenarioLine line : run.lines()) {
                tests.addAll(run.tcp(line, scenarios.get(line.name()), ScenarioRun.SideCheck.NONE));
            }
            return List.of(dynamicContainer(label, tests));
        });
    }

    /**
     * The agent attached at run time to a JVM whose Netty epoll classes are loaded and in use: it retransforms them;
     * the connection made before is not observed, the one after is, on both sides.
     */
    @TestFactory
    List<DynamicNode> attachingRetransformsNettysLoadedClasses() throws Exception {
        return Jdks.each((jdk, version) -> {
            String label = "JDK " + version + " Netty attach";
            AgentJvm jvm = new AgentJvm(jdk).withoutAgent().withNetty(42).arg("-Djdk.attach.allowAttachSelf=true");
            ScenarioRun run = ScenarioRun.run(jvm, receiver, label, NettyAttach.class, lines -> 2,
                    AgentJvm.agentJar().toAbsolutePath().toString());
            String why = run.spans().diagnostics();
            List<DynamicNode> tests = new ArrayList<>();
            tests.add(run.ran(2));
            ScenarioLine before = run.lines().get(0);
            tests.add(dynamicTest("before the attach: not observed", () -> {
                assertEquals(List.of(), run.spans().clients(before.clientPort(), before.serverPort()), why);
                assertEquals(List.of(), run.spans().servers(before.serverPort()), why);
            }));
            tests.addAll(run.tcp(run.lines().get(1), scenarios("netty.epoll").get("server_reset"),
                    ScenarioRun.SideCheck.NONE));
            return List.of(dynamicContainer(label, tests));
        });
    }

    /**
     * gRPC-java on grpc-netty-shaded picks its shaded epoll by itself: its connections are netty.epoll spans, the
     * client's and the server's, ended as each side saw it.
     */
    @TestFactory
    List<DynamicNode> grpcOnItsShadedEpoll() throws Exception {
        return Jdks.each((jdk, version) -> {
            String label = "JDK " + version + " gRPC shaded Netty";
            ScenarioRun run = ScenarioRun.run(new AgentJvm(jdk).withCopiedLibraries("-grpc"), receiver, label,
                    GrpcScenarios.class, lines -> 2 * lines.size());
            String why = run.spans().diagnostics();
            List<DynamicNode> tests = new ArrayList<>();
            tests.add(dynamicTest("gRPC chose its shaded epoll", () ->
                    assertEquals(List.of("GRPC epoll=true"), run.result().lines("GRPC "), why)));
            tests.add(run.ran(GrpcScenarios.ALL.size()));
            String shadedNetty = "io.grpc.netty.shaded.io.netty.channel.";
            for (ScenarioLine line : run.lines()) {
                boolean clientEnds = line.name().equals("grpc_channel_shutdown");
                // The side that ends it closes first; the other reads the end of stream, or fails its next write
                // with EPIPE (the peer's FIN, then its RST); or, when the closing side left bytes unread (a last
                // HTTP/2 frame in flight), its kernel sent RST instead of FIN, and the other reads the reset.
                Set<String> peer = Set.of("peer_fin/eof/read", "peer_fin/broken_pipe/write", "peer_rst/reset/read",
                        "peer_rst/reset/write");
                Set<String> clientVerdicts = clientEnds ? Set.of("local_close/close/close") : peer;
                Set<String> serverVerdicts = clientEnds ? peer : Set.of("local_close/close/close");
                tests.add(dynamicTest(line.name() + ": client", () -> {
                    List<ReceivedSpan> clients = run.spans().clients(0, line.serverPort());
                    assertEquals(1, clients.size(), why);
                    checkSide(clients.get(0), "CLIENT", clientVerdicts, shadedNetty, why);
                }));
                tests.add(dynamicTest(line.name() + ": server", () -> {
                    List<ReceivedSpan> servers = run.spans().servers(line.serverPort());
                    assertEquals(1, servers.size(), why);
                    checkSide(servers.get(0), "SERVER", serverVerdicts, shadedNetty, why);
                    if (clientEnds) {
                        assertEquals(servers.get(0).number("socket.bytes.read"), run.spans().clients(0,
                                line.serverPort()).get(0).number("socket.bytes.written"),
                                "what the client wrote, the server read: " + why);
                    }
                }));
            }
            return List.of(dynamicContainer(label, tests));
        });
    }

    /**
     * Reactor Netty on its default transport (epoll): a pooled keep-alive connection that the server's idle timeout
     * closes is the client's peer_fin, read as it arrives; the pool then opens a new one.
     */
    @TestFactory
    List<DynamicNode> reactorNettyPooledConnectionsClosedByTheServer() throws Exception {
        return Jdks.each((jdk, version) -> {
            String label = "JDK " + version + " Reactor Netty";
            ScenarioRun run = ScenarioRun.run(new AgentJvm(jdk).withCopiedLibraries("-reactor"), receiver, label,
                    ReactorNettyScenarios.class, lines -> 4 * lines.size());
            String why = run.spans().diagnostics();
            List<DynamicNode> tests = new ArrayList<>();
            tests.add(dynamicTest("Reactor Netty chose its native transport", () ->
                    assertEquals(List.of("REACTOR native=true"), run.result().lines("REACTOR "), why)));
            tests.add(run.ran(1));
            for (ScenarioLine line : run.lines()) {
                tests.add(dynamicTest(line.name() + ": two connections, each the client's peer_fin", () -> {
                    List<ReceivedSpan> clients = run.spans().clients(0, line.serverPort());
                    assertEquals(2, clients.size(), why);
                    for (ReceivedSpan span : clients) {
                        checkSide(span, "CLIENT", Set.of("peer_fin/eof/read"), "io.netty.channel.", why);
                    }
                }));
                tests.add(dynamicTest(line.name() + ": two connections, each closed by the server", () -> {
                    List<ReceivedSpan> servers = run.spans().servers(line.serverPort());
                    assertEquals(2, servers.size(), why);
                    for (ReceivedSpan span : servers) {
                        checkSide(span, "SERVER", Set.of("local_close/close/close"), "io.netty.channel.", why);
                    }
                }));
            }
            return List.of(dynamicContainer(label, tests));
        });
    }

    /** Both sides of a Unix domain scenario, found by the socket file, with what Unix domain spans carry. */
    private static List<DynamicNode> unixSides(ScenarioRun run, ScenarioLine line, Sides sides) {
        String path = line.get("path");
        List<ReceivedSpan> all = run.spans().all();
        return List.of(
                run.side(line.name() + ": client", line, sides.client(), () -> all.stream()
                        .filter(s -> s.kind().equals("CLIENT") && path.equals(s.string("network.peer.address")))
                        .toList(), (l, span, why) -> {
                            checkUnix(span, why);
                            assertEquals(path, span.string("server.address"), "the socket file asked for: " + span);
                        }),
                run.side(line.name() + ": server", line, sides.server(), () -> all.stream()
                        .filter(s -> s.kind().equals("SERVER") && path.equals(s.string("network.local.address")))
                        .toList(), (l, span, why) -> {
                            checkUnix(span, why);
                            assertNull(span.string("network.peer.address"), "the client end is unnamed: " + span);
                        }));
    }

    private static void checkUnix(ReceivedSpan span, String why) {
        assertEquals("unix", span.string("network.transport"), span + why);
        assertNull(span.string("network.type"), span + why);
        for (String port : List.of("network.peer.port", "network.local.port", "server.port")) {
            assertNull(span.number(port), port + " on a Unix domain socket: " + span + why);
        }
    }

    /** One side of a library's connection: its kind, transport, verdict, bytes both ways, and who closed it. */
    private static void checkSide(ReceivedSpan span, String kind, Set<String> verdicts, String closedIn,
                                  String why) {
        ScenarioRun.checkLoopbackTcp(span, why);
        assertEquals(kind, span.kind(), span + why);
        assertEquals("netty.epoll", span.string("socket.api"), span + why);
        assertTrue(verdicts.contains(span.string("socket.close.origin") + "/" + span.string("socket.close.reason")
                + "/" + span.string("socket.close.detected_by")), "verdict not in " + verdicts + ": " + span + why);
        assertTrue(span.number("socket.bytes.read") > 0 && span.number("socket.bytes.written") > 0, span + why);
        ReceivedSpan.Event close = span.event("socket.close");
        assertTrue(close != null && String.valueOf(close.attributes().get("code.function.name"))
                .startsWith(closedIn), "closed in " + closedIn + ", the call site: " + span + why);
    }

    private DynamicNode run(Path jdk, int version, int line, String nettyVersion, String transport, String api)
            throws Exception {
        String label = "JDK " + version + " Netty " + nettyVersion + " " + transport;
        AgentJvm jvm = new AgentJvm(jdk).withNetty(line);
        ScenarioRun run = ScenarioRun.run(jvm, receiver, label, NettyNativeScenarios.class,
                lines -> lines.stream().mapToInt(l -> l.name().equals("refused") ? 1 : 2).sum(), transport);
        String why = run.spans().diagnostics();
        List<String> chosen = run.result().lines("NETTY ");
        List<DynamicNode> tests = new ArrayList<>();
        tests.add(dynamicTest("Netty " + nettyVersion + " ran on " + transport, () -> {
            assertEquals(1, chosen.size(), why);
            assertTrue(chosen.get(0).startsWith("NETTY transport=" + transport + " version=" + nettyVersion + " "),
                    chosen.get(0) + why);
            if (transport.equals("io_uring")) {
                // Kernels may refuse io_uring (too old, or io_uring_disabled): then there is nothing to observe.
                Assumptions.assumeTrue(chosen.get(0).endsWith("native=available"),
                        "io_uring refused by this kernel: " + chosen.get(0));
            }
            assertTrue(chosen.get(0).endsWith("native=available"), chosen.get(0) + why);
        }));
        if (!chosen.isEmpty() && !chosen.get(0).endsWith("native=available")) {
            return dynamicContainer(label, tests);
        }
        tests.add(run.ran(NettyNativeScenarios.ALL.size()));
        Map<String, Sides> scenarios = scenarios(api);
        for (ScenarioLine scenario : run.lines()) {
            if (scenario.name().startsWith("uds_")) {
                tests.addAll(unixSides(run, scenario, scenarios.get(scenario.name())));
            } else {
                tests.addAll(run.tcp(scenario, scenarios.get(scenario.name()), ScenarioRun.SideCheck.NONE));
            }
        }
        ScenarioLine writeAfterClose = run.lines().stream().filter(l -> l.name().equals("write_after_peer_close"))
                .findFirst().orElse(null);
        if (writeAfterClose != null) {
            tests.add(dynamicTest("write_after_peer_close: the failed write is an exception event, errno's text",
                    () -> {
                        List<ReceivedSpan> clients = run.spans().clients(writeAfterClose.clientPort(),
                                writeAfterClose.serverPort());
                        assertEquals(1, clients.size(), why);
                        ReceivedSpan.Event failure = clients.get(0).event("exception");
                        assertTrue(failure != null && String.valueOf(failure.attributes().get("exception.message"))
                                .matches(".*(Broken pipe|Connection reset by peer).*"), clients.get(0) + why);
                    }));
        }
        return dynamicContainer(label, tests);
    }
}
