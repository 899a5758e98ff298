package io.sockwatch.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.sockwatch.e2e.support.AgentJvm;
import io.sockwatch.e2e.support.Jdks;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Ground truth: each scenario runs between two network namespaces with the agent on both hosts, under tcpdump,
 * and the side that sockwatch blames must be the side that the capture shows sending the first FIN or RST (or the
 * ICMP error, or the silence, for failed connects). Needs root; run with {@code mvn verify -Pwire}.
 */
class WireIT {

    /** The client's expected verdict, and whether the server's span is checked too. */
    record Scenario(String name, String origin, String reason, boolean server, String firewallBefore,
                    String firewallDuring) {
    }

    private static final List<Scenario> SCENARIOS = List.of(
            new Scenario("peer_fin", "peer_fin", "eof", true, null, null),
            new Scenario("linger_rst", "peer_rst", "reset", true, null, null),
            new Scenario("unread_rst", null, null, true, null, null), // FIN+RST on Socket, RST on channels
            // The origin follows the wire (checked below): a Socket server's FIN, then its RST answering our write,
            // gives EPIPE (peer_fin); a channel's bare RST gives ECONNRESET (peer_rst).
            new Scenario("broken_pipe", null, null, true, null, null),
            new Scenario("local_close", "local_close", "close", true, null, null),
            new Scenario("half_close", "local_close", "shutdown_output", true, null, null),
            new Scenario("read_timeout", "timeout", "read_timeout", true, null, null),
            new Scenario("stale_pooled", "peer_fin", "eof", true, null, null),
            new Scenario("stale_reuse", "peer_fin", "eof", true, null, null),
            new Scenario("goodbye", "local_close", "close", true, null, null),
            new Scenario("async_close", "local_close", "async_close", true, null, null),
            new Scenario("shutdown_input", "local_close", "shutdown_input", true, null, null),
            new Scenario("use_after_close", "local_close", "close", true, null, null),
            new Scenario("interrupt", "local_close", "interrupt", true, null, null), // channels only
            new Scenario("leaked", "leaked", "gc", true, null, null),
            new Scenario("refused", "peer_rst", "refused", false, "none", null),
            new Scenario("connect_timeout", "timeout", "connect_timeout", false,
                    "-A INPUT -p tcp --dport 7000 -j DROP", null),
            new Scenario("no_route", "unreachable", "no_route", false,
                    "-A INPUT -p tcp --dport 7000 -j REJECT --reject-with icmp-host-unreachable", null),
            new Scenario("network_unreachable", "unreachable", "network_unreachable", false, "none", null),
            new Scenario("middlebox_rst", "peer_rst", "reset", false, null,
                    "-A INPUT -p tcp --dport 7000 -j REJECT --reject-with tcp-reset"),
            new Scenario("keepalive", "timeout", "keepalive_timeout", false, null, "-A INPUT -j DROP"));

    private static final Pattern SPAN = Pattern.compile("sockwatch: socket\\.connection (CLIENT|SERVER) (\\S+) -> "
            + "(\\S+) .*origin=(\\S+) reason=(\\S+) detected_by=(\\S+)");

    private static final List<String> MATRIX = new ArrayList<>();

    @BeforeAll
    static void needsRootAndTools() throws Exception {
        String user = NetworkPair.run("id", "-u").trim();
        if (!user.equals("0")) {
            throw new IllegalStateException("The wire suite (-Pwire) needs root to create network namespaces; "
                    + "it runs as uid " + user + ". Run it as root, or leave out -Pwire.");
        }
        for (String tool : List.of("ip", "iptables", "tcpdump")) {
            try {
                NetworkPair.run("sh", "-c", "command -v " + tool);
            } catch (Exception e) {
                throw new IllegalStateException("The wire suite (-Pwire) needs '" + tool + "': apt-get install "
                        + "iproute2 iptables tcpdump", e);
            }
        }
        MATRIX.clear();
    }

    @AfterAll
    static void writeMatrix() throws Exception {
        List<String> out = new ArrayList<>();
        out.add("| scenario | API | JDK | side | sockwatch verdict | first end on the wire | match |");
        out.add("|---|---|---|---|---|---|---|");
        out.addAll(MATRIX);
        Path file = Path.of(System.getProperty("sockwatch.wire.matrix", "target/wire-matrix.md"));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, out);
    }

    @TestFactory
    List<DynamicTest> verdictsAgreeWithTheCapture() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path jdk : Jdks.all()) {
            int version = Jdks.version(jdk);
            for (String api : List.of("socket", "channel")) {
                for (Scenario scenario : SCENARIOS) {
                    if (scenario.name().equals("interrupt") && api.equals("socket")) {
                        continue; // a platform thread blocked in a java.net.Socket read ignores interrupts
                    }
                    Outcome outcome = run(jdk, api, scenario);
                    String label = scenario.name() + " " + api + " JDK " + version;
                    tests.add(dynamicTest(label + ": client", () -> check(outcome, scenario, api, version, true)));
                    if (scenario.server()) {
                        tests.add(dynamicTest(label + ": server", () -> check(outcome, scenario, api, version, false)));
                    }
                }
            }
        }
        return tests;
    }

    record Span(String kind, String local, String peer, String origin, String reason, String detectedBy) {
    }

    record Outcome(Map<String, Span> spans, PacketCapture.Summary capture, String clientOutput, String serverOutput) {
        String diagnostics() {
            return "\n--- client ---\n" + clientOutput + "\n--- server ---\n" + serverOutput + "\n--- capture ---\n"
                    + String.join("\n", capture.lines());
        }
    }

    private static Outcome run(Path jdk, String api, Scenario scenario) throws Exception {
        Path dir = Files.createTempDirectory("sockwatch-wire-" + scenario.name());
        try (NetworkPair net = new NetworkPair()) {
            if (scenario.firewallBefore() != null && !scenario.firewallBefore().equals("none")) {
                net.serverFirewall(scenario.firewallBefore().split(" "));
            }
            try (PacketCapture capture = new PacketCapture(net, dir)) {
                Process server = null;
                Path serverLog = dir.resolve("server.log");
                boolean withServer = scenario.firewallBefore() == null;
                if (withServer) {
                    server = start(net.server, jdk, serverLog, "server", scenario.name(), "7000");
                    awaitLine(serverLog, "LISTENING", server);
                }
                String target = scenario.name().equals("network_unreachable") ? NetworkPair.UNROUTABLE_IP
                        : NetworkPair.SERVER_IP;
                Path clientLog = dir.resolve("client.log");
                Process client = start(net.client, jdk, clientLog, "client", scenario.name(), api, target, "7000");
                if (scenario.firewallDuring() != null) {
                    awaitLine(clientLog, "WAITING firewall", client);
                    net.serverFirewall(scenario.firewallDuring().split(" "));
                    Files.createFile(dir.resolve("firewall"));
                }
                finish(client, 40);
                if (server != null) {
                    finish(server, 20);
                }
                PacketCapture.Summary summary = capture.stop();
                String clientOut = Files.readString(clientLog);
                String serverOut = server == null ? "" : Files.readString(serverLog);
                Map<String, Span> spans = new LinkedHashMap<>();
                for (String out : List.of(clientOut, serverOut)) {
                    Matcher m = SPAN.matcher(out);
                    while (m.find()) {
                        spans.putIfAbsent(m.group(1), new Span(m.group(1), m.group(2), m.group(3), m.group(4),
                                m.group(5), m.group(6)));
                    }
                }
                return new Outcome(spans, summary, clientOut, serverOut);
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static Process start(String namespace, Path jdk, Path log, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(jdk.resolve("bin/java").toString(),
                "-javaagent:" + AgentJvm.agentJar().toAbsolutePath(),
                "-Dotel.traces.exporter=console", "-Dotel.bsp.schedule.delay=100", "-Dsockwatch.close.grace=100ms",
                // Verdicts are judged here, not the exit budget: a short scenario waits for OpenTelemetry to start.
                "-Dsockwatch.exit.timeout=20s",
                "-Dwire.markers=" + log.getParent(),
                "-cp", System.getProperty("sockwatch.it.classpath", "target/test-classes"),
                WireScenarios.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(NetworkPair.in(namespace, command)).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
    }

    private static void awaitLine(Path log, String line, Process p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!(Files.exists(log) && Files.readString(log).contains(line))) {
            if (System.nanoTime() > deadline || !p.isAlive()) {
                throw new AssertionError("'" + line + "' never came: " + Files.readString(log));
            }
            Thread.sleep(20);
        }
    }

    private static void finish(Process p, int seconds) throws InterruptedException {
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroy(); // SIGTERM: the agent still flushes its spans at exit
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /**
     * Which wire evidence each verdict implies, seen from {@code side}: the side blamed for the first FIN or RST,
     * or what a failed connect leaves on the wire.
     */
    static String expectedWire(String origin, String reason, boolean clientSide) {
        String us = clientSide ? "client" : "server";
        String them = clientSide ? "server" : "client";
        return switch (origin) {
            case "local_close", "leaked" -> us; // a leaked socket is closed by our JDK's cleaner
            case "peer_fin", "peer_rst" -> them;
            case "timeout" -> switch (reason) {
                case "connect_timeout" -> "no answer";
                default -> us; // we gave up and closed (read timeout), or our kernel reset it (keepalive)
            };
            case "unreachable" -> reason.equals("no_route") ? "icmp" : "no packet";
            default -> "?";
        };
    }

    private static void check(Outcome outcome, Scenario scenario, String api, int jdk, boolean clientSide) {
        Span span = outcome.spans().get(clientSide ? "CLIENT" : "SERVER");
        PacketCapture.Summary wire = outcome.capture();
        String side = clientSide ? "client" : "server";
        String verdict = span == null ? "no span" : span.origin() + "/" + span.reason();
        String expected = span == null ? "?" : expectedWire(span.origin(), span.reason(), clientSide);
        if (clientSide && scenario.name().equals("goodbye")) {
            // Contract v2: the server's FIN answered the client's last write, and the ending is the client's.
            expected = "server FIN";
        }
        String observed = wire.verdict();
        boolean match = observed.equals(expected) || observed.startsWith(expected + " ");
        MATRIX.add("| " + scenario.name() + " | " + api + " | " + jdk + " | " + side + " | " + verdict + " | "
                + observed + " | " + (match ? "yes" : "**no**") + " |");
        assertNotNull(span, "no " + side + " span" + outcome.diagnostics());
        if (clientSide && scenario.origin() != null) {
            assertEquals(scenario.origin(), span.origin(), outcome.diagnostics());
            if (scenario.reason() != null) {
                assertEquals(scenario.reason(), span.reason(), outcome.diagnostics());
            }
        }
        if (clientSide && scenario.name().equals("broken_pipe")) {
            assertEquals(observed.startsWith("server FIN") ? "peer_fin/broken_pipe" : "peer_rst/reset", verdict,
                    "a write's EPIPE follows the peer's FIN, its ECONNRESET a bare RST" + outcome.diagnostics());
        }
        assertTrue(match, side + " verdict " + verdict + " implies '" + expected + "' on the wire, capture says '"
                + observed + "'" + outcome.diagnostics());
    }
}
