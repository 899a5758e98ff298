package io.sockwatch.realservers;

import static io.sockwatch.realservers.Want.CLIENT_FIN;
import static io.sockwatch.realservers.Want.CLIENT_RST;
import static io.sockwatch.realservers.Want.REFUSED;
import static io.sockwatch.realservers.Want.SERVER_FIN;
import static io.sockwatch.realservers.Want.SERVER_RST;
import static io.sockwatch.realservers.Want.capture;
import static io.sockwatch.realservers.Want.exact;
import static io.sockwatch.realservers.Want.goodbye;
import static io.sockwatch.realservers.Want.writeAfterPeerFin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.sockwatch.e2e.support.AgentJvm;
import io.sockwatch.e2e.support.ContractStatus;
import io.sockwatch.e2e.support.Jdks;
import io.sockwatch.e2e.support.OtlpReceiver;
import io.sockwatch.e2e.support.ReceivedSpan;
import io.sockwatch.e2e.support.ScenarioLine;
import io.sockwatch.e2e.support.ServiceSpans;
import io.sockwatch.realservers.LoopbackCapture.Conversation;
import io.sockwatch.realservers.LoopbackCapture.End;
import io.sockwatch.realservers.LoopbackCapture.Packet;
import io.sockwatch.realservers.LoopbackCapture.Side;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Real servers from Debian packages (PostgreSQL, Redis, nginx; and JDK servers whose client is curl) with real client
 * libraries under the agent in forked JVMs. Every connection a program makes is captured with tcpdump on lo, and
 * every span must blame the side whose FIN or RST the capture shows first, as docs/telemetry.md (v1) maps it. The
 * scenarios, and what each must show, are in docs/real-servers.md. Needs root (tcpdump, and PostgreSQL run as the
 * postgres user); .ci/run installs the servers.
 */
class RealServersIT {

    private static final String SOCKET = "java.net.Socket";
    private static final String CHANNEL = "java.nio.channels.SocketChannel";

    @RegisterExtension
    static final OtlpReceiver receiver = OtlpReceiver.forTheClass();

    private static LoopbackServer postgres;
    private static LoopbackServer redis;
    private static Nginx nginx;
    private static final List<String> MATRIX = new ArrayList<>();

    @BeforeAll
    static void startServers() throws Exception {
        LocalDaemon.binary("tcpdump", "tcpdump", List.of());
        MATRIX.clear();
        postgres = Postgres.start();
        redis = Redis.start();
        nginx = Nginx.start();
    }

    @AfterAll
    static void stopServers() throws Exception {
        Exception failure = null;
        for (AutoCloseable server : new AutoCloseable[] {nginx, redis, postgres}) {
            try {
                if (server != null) {
                    server.close();
                }
            } catch (Exception e) {
                failure = failure == null ? e : failure;
            }
        }
        List<String> out = new ArrayList<>();
        out.add("| JDK | scenario | side | first end on the wire | origin it implies | sockwatch verdict | expected "
                + "| match |");
        out.add("|---|---|---|---|---|---|---|---|");
        out.addAll(MATRIX);
        Path file = matrixFile();
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, out);
        if (failure != null) {
            throw failure;
        }
    }

    private static Path matrixFile() {
        return Path.of(System.getProperty("sockwatch.realservers.matrix", "target/real-servers-matrix.md"));
    }

    /** One program under the agent against one server, and what each of its connections must show. */
    private record Program(String name, Class<?> main, Side ours, Set<Integer> ports, List<String> args,
                           Map<String, Want> wants, Callable<String> serverLog) {
    }

    @TestFactory
    List<DynamicNode> everyVerdictAgreesWithTheCapture() throws Exception {
        return Jdks.each((jdk, version) -> {
            List<DynamicNode> programs = new ArrayList<>();
            for (Program program : programs()) {
                try {
                    programs.add(run(jdk, version, program));
                } catch (Exception | AssertionError e) {
                    // One program that could not run (or be captured) fails alone; the others are still judged.
                    programs.add(dynamicTest("JDK " + version + " " + program.name() + ": ran and was captured",
                            () -> {
                                throw new AssertionError(program.name() + " could not be run: " + e, e);
                            }));
                }
            }
            return List.of(dynamicContainer("JDK " + version, programs));
        });
    }

    private static List<Program> programs() throws Exception {
        int pgClosed = LocalDaemon.freePort();
        int redisClosed = LocalDaemon.freePort();
        int httpServer = LocalDaemon.freePort();
        int serverSocket = LocalDaemon.freePort();
        int serverSocketWrites = LocalDaemon.freePort();
        Nginx.Ports n = nginx.ports();
        List<Program> programs = new ArrayList<>();
        programs.add(new Program("postgres", PostgresClients.class, Side.CLIENT, Set.of(postgres.port(), pgClosed),
                List.of(Integer.toString(postgres.port()), Integer.toString(pgClosed)), postgresWants(),
                postgres::log));
        programs.add(new Program("redis", RedisClients.class, Side.CLIENT, Set.of(redis.port(), redisClosed),
                List.of(Integer.toString(redis.port()), Integer.toString(redisClosed)), redisWants(), redis::log));
        programs.add(new Program("nginx", NginxClients.class, Side.CLIENT, new LinkedHashSet<>(n.all()),
                n.all().stream().map(String::valueOf).toList(), nginxWants(), nginx::logs));
        programs.add(new Program("jdk servers", JdkServers.class, Side.SERVER,
                Set.of(httpServer, serverSocket, serverSocketWrites), List.of(Integer.toString(httpServer),
                Integer.toString(serverSocket), Integer.toString(serverSocketWrites)), jdkServerWants(), () -> ""));
        return programs;
    }

    static Map<String, Want> postgresWants() {
        Map<String, Want> w = new LinkedHashMap<>();
        w.put("pg_admin/admin", exact(CLIENT_FIN, SOCKET, "local_close", "close", "close"));
        // The backend sends its FATAL ErrorResponse and exits (FIN); the next query's reply is that error, then
        // end of stream. The RST that answers the query comes after the FIN was read.
        w.put("pg_terminated/victim", exact(SERVER_FIN, SOCKET, "peer_fin", "eof", "read"));
        w.put("pg_terminated/replacement", exact(CLIENT_FIN, SOCKET, "local_close", "process_exit", "close"));
        w.put("pg_idle_session_timeout/victim", exact(SERVER_FIN, SOCKET, "peer_fin", "eof", "read"));
        w.put("pg_idle_session_timeout/replacement", exact(CLIENT_FIN, SOCKET, "local_close", "process_exit",
                "close"));
        // The driver closes after its read timed out: timeout, although our FIN is the first on the wire.
        w.put("pg_socket_timeout/client", exact(CLIENT_FIN, SOCKET, "timeout", "read_timeout", "read")
                .fact("outcome", "08006"));
        w.put("pg_refused/client", exact(REFUSED, SOCKET, "peer_rst", "refused", "connect")
                .fact("outcome", "08001"));
        w.put("pg_pool_shutdown/pooled", goodbye(SOCKET, 5)); // Terminate: 'X' and a 4-byte length
        return w;
    }

    static Map<String, Want> redisWants() {
        Map<String, Want> w = new LinkedHashMap<>();
        w.put("redis_refused/client", exact(REFUSED, SOCKET, "peer_rst", "refused", "connect")
                .fact("outcome", ".*Connection_refused.*"));
        // Jedis closes with SO_LINGER 0: a reset, but ours.
        w.put("redis_close/client", exact(CLIENT_RST, SOCKET, "local_close", "close", "close"));
        w.put("redis_quit/client", goodbye(SOCKET, "*1\r\n$4\r\nQUIT\r\n".length()).fact("reply", "OK"));
        w.put("redis_client_kill/victim", exact(SERVER_FIN, SOCKET, "peer_fin", "eof", "read")
                .fact("outcome", "Unexpected_end_of_stream."));
        w.put("redis_client_kill/killer", exact(CLIENT_RST, SOCKET, "local_close", "close", "close")
                .fact("killed", "1"));
        w.put("redis_timeout/admin_set", exact(CLIENT_RST, SOCKET, "local_close", "close", "close"));
        // Jedis writes its command on the connection Redis closed while it sat idle: caught at reuse (contract v2).
        w.put("redis_timeout/stale", exact(SERVER_FIN, SOCKET, "peer_fin", "eof", "reuse"));
        w.put("redis_timeout/fresh", exact(CLIENT_RST, SOCKET, "local_close", "close", "close"));
        w.put("redis_timeout/admin_reset", exact(CLIENT_RST, SOCKET, "local_close", "close", "close"));
        return w;
    }

    static Map<String, Want> nginxWants() {
        Map<String, Want> w = new LinkedHashMap<>();
        w.put("nginx_keepalive_apache/stale", exact(SERVER_FIN, SOCKET, "peer_fin", "eof", "read"));
        w.put("nginx_keepalive_apache/fresh", exact(CLIENT_FIN, SOCKET, "local_close", "close", "close"));
        w.put("nginx_keepalive_jdk/stale", exact(SERVER_FIN, CHANNEL, "peer_fin", "eof", "read"));
        // nginx closes right after its answer and the client closes once it has read it: the capture says who won.
        w.put("nginx_keepalive_jdk/server_closes", capture(CHANNEL));
        w.put("nginx_444/client", exact(SERVER_FIN, SOCKET, "peer_fin", "eof", "read")
                .fact("outcome", "NoHttpResponseException"));
        w.put("nginx_444_reset/client", exact(SERVER_RST, SOCKET, "peer_rst", "reset", "read")
                .fact("outcome", "SocketException"));
        w.put("nginx_send_timeout_reset/client", exact(SERVER_RST, SOCKET, "peer_rst", "reset", "read")
                .fact("outcome", "Connection_reset"));
        // HttpClient closes the timed-out connection: our FIN is first on the wire, the timeout decided.
        w.put("nginx_client_read_timeout/client", exact(CLIENT_FIN, SOCKET, "timeout", "read_timeout", "read")
                .fact("outcome", "SocketTimeoutException"));
        return w;
    }

    static Map<String, Want> jdkServerWants() {
        Map<String, Want> w = new LinkedHashMap<>();
        // curl's FIN, the server's head, curl's RST answering it, and the body's write fails: Broken pipe.
        w.put("jdk_httpserver_client_left/server", writeAfterPeerFin(CHANNEL).fact("curl_exit", "28")
                .fact("outcome", "Broken_pipe"));
        w.put("jdk_serversocket_client_left/server", exact(CLIENT_FIN, SOCKET, "peer_fin", "eof", "read")
                .fact("curl_exit", "28").fact("body_read", "3"));
        // curl's FIN, the server's one write (it succeeds), curl's RST answering it, found pending at close.
        w.put("jdk_serversocket_wrote_after_client_left/server", writeAfterPeerFin(SOCKET).fact("curl_exit", "28")
                .fact("outcome", "written"));
        return w;
    }

    private static DynamicNode run(Path jdk, int version, Program program) throws Exception {
        String label = "JDK " + version + " " + program.name();
        String service = label.replaceAll("[^A-Za-z0-9.]+", "-");
        Path dir = Files.createTempDirectory("sockwatch-realservers-");
        List<Conversation> conversations;
        AgentJvm.Result result;
        try (LoopbackCapture capture = LoopbackCapture.start(dir, program.ports())) {
            result = new AgentJvm(jdk).withRealServerClients().exportingTo(receiver, service)
                    .arg("-Dsockwatch.close.grace=200ms").run(program.main(), program.args().toArray(String[]::new));
            conversations = capture.stop();
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        // Each captured connection is one span: wait for as many (the program has exited, so they are all sent).
        ServiceSpans spans = ServiceSpans.await(receiver, service, conversations.size(), result);
        String serverLog = tail(program.serverLog().call(), 80);
        String why = spans.diagnostics() + "\n--- capture ---\n"
                + conversations.stream().map(Conversation::toString).collect(Collectors.joining("\n"))
                + "\n--- server log (end) ---\n" + serverLog;
        // The evidence of each run, kept next to the matrix whether the run passes or not.
        Path evidence = matrixFile().toAbsolutePath().getParent().resolve("real-servers").resolve(service + ".txt");
        Files.createDirectories(evidence.getParent());
        Files.writeString(evidence, why);
        Map<Conversation, ReceivedSpan> paired = pair(conversations, spans.all(), program.ours());
        List<ScenarioLine> lines = ScenarioLine.all(result);

        List<DynamicNode> tests = new ArrayList<>();
        tests.add(dynamicTest("the program ran every scenario", () -> {
            assertEquals(0, result.exitCode(), why);
            assertEquals(List.of(), result.lines("sockwatch: unsupported"), why);
            Set<String> printed = lines.stream().map(l -> l.name() + "/" + l.get("role")).collect(Collectors.toSet());
            assertEquals(program.wants().keySet(), printed, "scenario lines" + why);
        }));
        tests.add(dynamicTest("every captured connection has one span, every span a captured connection", () -> {
            assertTrue(conversations.stream().allMatch(c -> c.end() != null),
                    "a connection that never ended on the wire" + why);
            List<Conversation> unpaired = conversations.stream().filter(c -> !paired.containsKey(c)).toList();
            assertEquals(List.of(), unpaired, "connections without a span" + why);
            Set<ReceivedSpan> used = new HashSet<>(paired.values());
            List<ReceivedSpan> orphans = spans.all().stream().filter(s -> !used.contains(s)).toList();
            assertEquals(List.of(), orphans, "spans without a captured connection" + why);
        }));

        // Each scenario line claims its connections: its tuple, or every connection to its port.
        record Claim(String key, ScenarioLine line, Want want, Conversation conversation) {
        }
        List<Claim> claims = new ArrayList<>();
        Set<Conversation> claimed = Collections.newSetFromMap(new IdentityHashMap<>());
        for (ScenarioLine line : lines) {
            String key = line.name() + "/" + line.get("role");
            Want want = program.wants().get(key);
            if (want == null) {
                continue; // the "ran" test names it
            }
            long clientPort = line.clientPort();
            long serverPort = line.serverPort();
            List<Conversation> mine = conversations.stream().filter(c -> c.serverPort() == serverPort
                    && (clientPort == 0 || c.clientPort() == clientPort)).toList();
            if (mine.isEmpty()) {
                tests.add(dynamicTest(key + ": captured", () -> {
                    throw new AssertionError("no captured connection for " + line + why);
                }));
            }
            for (Conversation c : mine) {
                claimed.add(c);
                claims.add(new Claim(key, line, want, c));
            }
        }
        Map<String, Long> perKey = claims.stream().collect(Collectors.groupingBy(Claim::key, Collectors.counting()));
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (Claim claim : claims) {
            // Several connections of one role (a pool's, a retry) are numbered, in the order they were made.
            String name = perKey.get(claim.key()) == 1 ? claim.key()
                    : claim.key() + " #" + seen.merge(claim.key(), 1, Integer::sum);
            tests.add(side(version, name, claim.line(), claim.want(), claim.conversation(),
                    paired.get(claim.conversation()), program.ours(), why));
        }
        for (Conversation c : conversations) {
            if (!claimed.contains(c)) {
                // A connection no scenario names (a retry, a pool's extra): judged by the capture alone.
                tests.add(side(version, "other connection " + c.clientPort() + "->" + c.serverPort(), null,
                        capture(null), c, paired.get(c), program.ours(), why));
            }
        }
        return dynamicContainer(label, tests);
    }

    /** Each conversation's span: same tuple (no local port for a refused connect), the closest in time. */
    static Map<Conversation, ReceivedSpan> pair(List<Conversation> conversations, List<ReceivedSpan> spans,
                                                Side ours) {
        Map<Conversation, ReceivedSpan> paired = new IdentityHashMap<>();
        Set<ReceivedSpan> taken = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Conversation c : conversations) {
            boolean refused = c.end() == End.REFUSED;
            spans.stream().filter(s -> !taken.contains(s)).filter(s -> ours == Side.CLIENT
                    ? s.kind().equals("CLIENT") && Long.valueOf(c.serverPort()).equals(s.number("server.port"))
                    && (refused ? s.number("network.local.port") == null
                    : Long.valueOf(c.clientPort()).equals(s.number("network.local.port")))
                    : s.kind().equals("SERVER") && Long.valueOf(c.serverPort()).equals(s.number("network.local.port"))
                    && Long.valueOf(c.clientPort()).equals(s.number("network.peer.port")))
                    .min(Comparator.comparingLong(s -> Math.abs(s.startNanos() - c.synMicros() * 1000)))
                    .ifPresent(s -> {
                        paired.put(c, s);
                        taken.add(s);
                    });
        }
        return paired;
    }

    /** One side: the scenario's facts, the capture, and the span against both. */
    private static DynamicTest side(int version, String name, ScenarioLine line, Want want, Conversation c,
                                    ReceivedSpan span, Side ours, String why) {
        return dynamicTest(name, () -> {
            String origin = span == null ? null : span.string("socket.close.origin");
            String verdict = span == null ? "no span" : origin + "/" + span.string("socket.close.reason") + "/"
                    + span.string("socket.close.detected_by");
            String implied = impliedByCapture(c, ours, want);
            String row = "| " + version + " | " + name + " | " + (ours == Side.CLIENT ? "client" : "server") + " | "
                    + c.end() + " | " + implied + " | " + verdict + " | " + want.describe() + " | ";
            try {
                judge(line, want, c, span, ours, why);
                // Where the rule lets a verdict differ from the capture (the cases contract v2 changes), the
                // matrix says so: such a difference is a finding, not a pass to forget.
                synchronized (MATRIX) {
                    MATRIX.add(row + (implied.equals(origin) ? "yes" : "yes, **differs from the capture**") + " |");
                }
            } catch (AssertionError e) {
                synchronized (MATRIX) {
                    MATRIX.add(row + "**no** |");
                }
                throw e;
            }
        });
    }

    /**
     * The origin the capture implies by docs/telemetry.md's first-signal rule: our first FIN or RST is
     * local_close, the peer's FIN peer_fin, its RST (or a refused SYN) peer_rst; a timeout of ours is timeout
     * whatever follows it.
     */
    static String impliedByCapture(Conversation c, Side ours, Want want) {
        End end = c.end();
        if (end == null) {
            return "none";
        }
        if (end == End.REFUSED) {
            return "peer_rst";
        }
        if (end.by() == ours) {
            return "timeout".equals(want.origin()) ? "timeout" : "local_close";
        }
        return end.what().equals("RST") ? "peer_rst" : "peer_fin";
    }

    static void judge(ScenarioLine line, Want want, Conversation c, ReceivedSpan span, Side ours, String why) {
        String where = "\n" + c + "\n" + span + why;
        assertNotNull(span, "no span for " + c + why);
        for (Map.Entry<String, String> fact : want.facts().entrySet()) {
            String value = line.get(fact.getKey());
            assertTrue(value.matches(fact.getValue()), "the scenario did not happen as designed: " + fact.getKey()
                    + "=" + value + ", expected " + fact.getValue() + " in " + line + where);
        }
        End end = c.end();
        assertNotNull(end, "the connection never ended on the wire" + where);
        String origin = span.string("socket.close.origin");
        String reason = span.string("socket.close.reason");
        String detectedBy = span.string("socket.close.detected_by");

        // What every span carries.
        assertEquals("socket.connection", span.name(), where);
        assertEquals("io.sockwatch", span.scope(), where);
        assertEquals(ours == Side.CLIENT ? "CLIENT" : "SERVER", span.kind(), where);
        if (want.api() != null) {
            assertEquals(want.api(), span.string("socket.api"), where);
        }
        assertEquals("tcp", span.string("network.transport"), where);
        assertEquals("ipv4", span.string("network.type"), where);
        assertEquals("127.0.0.1", span.string("network.peer.address"), where);
        // docs/telemetry.md, contract v2: the application received an exception because of the ending.
        boolean error = ContractStatus.isError(span);
        assertEquals(error ? "ERROR" : "UNSET", span.status(), where);
        assertEquals(error, span.string("error.type") != null, "error.type on error spans only" + where);
        if (ours == Side.CLIENT) {
            assertTrue(Set.of("127.0.0.1", "localhost").contains(span.string("server.address")), where);
            assertEquals((long) c.serverPort(), span.number("server.port"), where);
        }

        // Bytes against the packets: what the application wrote went out, unless a reset from the peer discarded
        // what was still queued; it cannot have read more than came.
        Side peer = ours == Side.CLIENT ? Side.SERVER : Side.CLIENT;
        long written = span.number("socket.bytes.written");
        if (c.packets().stream().anyMatch(p -> p.from() == peer && p.rst())) {
            assertTrue(c.payload(ours) <= written, "bytes written vs capture" + where);
        } else {
            assertEquals(c.payload(ours), written, "bytes written vs capture" + where);
        }
        long read = span.number("socket.bytes.read");
        assertTrue(read <= c.payload(peer), "bytes read vs capture" + where);
        if ("eof".equals(reason) && "read".equals(detectedBy)) {
            assertEquals(c.payloadBeforeEnd(peer), read, "end of stream is read after every byte before it" + where);
        }

        String fromCapture = impliedByCapture(c, ours, want);
        switch (want.rule()) {
            case EXACT -> {
                assertEquals(want.wire().toString(), end.toString(), "the wire" + where);
                assertEquals(want.origin(), origin, where);
                assertEquals(want.reason(), reason, where);
                assertEquals(want.detectedBy(), detectedBy, where);
                // A deadline decided: whatever the wire shows after it, our close came first.
                if (origin.equals("timeout")) {
                    assertNotNull(span.event("socket.timeout"), where);
                }
                assertEquals(fromCapture, origin, "the span blames the side the capture shows" + where);
            }
            case CAPTURE -> {
                if (span.event("socket.goodbye") != null) {
                    // Contract v2: the peer's FIN, found at our close soon after our last write, answered it. The
                    // capture must show that order: our data, then the peer's FIN first, no RST from the peer.
                    assertEquals("local_close", origin, where);
                    assertEquals(new End(peer, "FIN").toString(), end.toString(), where);
                    assertNotNull(c.lastDataBeforeEnd(ours), "we wrote before the peer's FIN" + where);
                } else {
                    assertEquals(fromCapture, origin, "the span blames the side the capture shows" + where);
                }
            }
            case GOODBYE -> {
                Packet last = c.lastDataBeforeEnd(Side.CLIENT);
                assertNotNull(last, "the client sent nothing" + where);
                assertEquals(want.goodbyeBytes(), last.length(), "the client's last data is its goodbye" + where);
                assertTrue(c.packets().stream().noneMatch(p -> p.from() == Side.SERVER && p.rst()),
                        "the server answers a goodbye with FIN, not RST" + where);
                // Contract v2: a goodbye is ours, whichever FIN the wire shows first.
                assertEquals("local_close", origin, where);
                assertEquals("close", detectedBy, where);
                assertNull(span.string("error.type"), where);
                if (end.by() == Side.SERVER) {
                    assertNotNull(span.event("socket.goodbye"), "the server's FIN answered the goodbye" + where);
                }
            }
            case WRITE_AFTER_PEER_FIN -> {
                assertEquals(new End(peer, "FIN").toString(), end.toString(), "the peer left first" + where);
                List<Packet> after = c.afterEnd();
                int ourData = indexOf(after, p -> p.from() == ours && p.length() > 0);
                int peerRst = indexOf(after, p -> p.from() == peer && p.rst());
                assertTrue(ourData >= 0 && peerRst > ourData, "our data after the peer's FIN, answered by its RST"
                        + where);
                // Contract v2: the peer's FIN came first, its RST only answered our data.
                assertEquals("peer_fin", origin, where);
                if ("reuse".equals(detectedBy)) {
                    // The write came after an idle gap: the check before it found the FIN.
                    assertEquals("eof", span.string("socket.close.reason"), where);
                    ReceivedSpan.Event stale = span.event("socket.stale_reuse");
                    assertNotNull(stale, where);
                    assertTrue((long) stale.attributes().get("socket.idle_ms") >= 1000, where);
                } else if (line.get("outcome").equals("written")) {
                    // One write, which succeeded: the close finds the reset the kernel filed as EPIPE.
                    assertEquals("close", detectedBy, where);
                    assertEquals("EPIPE", span.event("socket.peer_closed").attributes().get("socket.error"), where);
                } else {
                    assertEquals("write", detectedBy, where);
                    assertEquals("broken_pipe", span.string("socket.close.reason"), where);
                }
                if (!line.get("outcome").equals("written")) {
                    assertEquals("ERROR", span.status(), "the application got an exception" + where);
                    assertTrue(span.events().stream().anyMatch(e -> e.name().equals("exception")
                            && String.valueOf(e.attributes().get("exception.message")).contains("Broken pipe")),
                            where);
                }
            }
        }
    }

    private static int indexOf(List<Packet> packets, Predicate<Packet> p) {
        for (int i = 0; i < packets.size(); i++) {
            if (p.test(packets.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }
}
