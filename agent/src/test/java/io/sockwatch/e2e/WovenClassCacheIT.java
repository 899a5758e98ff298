package io.sockwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockwatch.e2e.scenarios.SelfAttach;
import io.sockwatch.e2e.scenarios.SocketScenarios;
import io.sockwatch.e2e.support.AgentJvm;
import io.sockwatch.e2e.support.Jdks;
import io.sockwatch.e2e.support.OtlpReceiver;
import io.sockwatch.e2e.support.ReceivedSpan;
import io.sockwatch.e2e.support.ScenarioLine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The cache of woven classes with the real agent jar in forked JVMs: a warm start defines the woven JDK classes
 * without loading any Byte Buddy class (the JVM's own class loading log says so), and its verdicts are those of a cold
 * start; a cache that is off, corrupt or unsafe costs the start Byte Buddy, never a verdict.
 */
class WovenClassCacheIT {

    /** Byte Buddy's classes in the agent jar (relocated) or anywhere else. */
    private static final String BYTE_BUDDY = "net.bytebuddy.";

    @TempDir
    Path tmp;

    static List<Path> jdks() {
        return Jdks.all();
    }

    /** A run of two scenarios with known verdicts, its class loading logged; the verdicts are checked here. */
    private record Run(AgentJvm.Result result, List<String> loadedClasses, String why) {
        boolean loadedByteBuddy() {
            return loadedClasses.stream().anyMatch(l -> l.contains(BYTE_BUDDY));
        }
    }

    private Run run(Path jdk, String cacheDir, String name) throws Exception {
        Path classLog = tmp.resolve(name + "-classes.log");
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            AgentJvm.Result result = new AgentJvm(jdk).exportingTo(receiver, name)
                    .arg("-Dsockwatch.cache.dir=" + cacheDir).arg("-Dsockwatch.debug=true")
                    .arg("-Xlog:class+load=info:file=" + classLog)
                    .run(SocketScenarios.class, "peer_fin", "linger_reset");
            List<ReceivedSpan> spans = receiver.await(s -> s.size() >= 4, Duration.ofSeconds(10));
            String why = result.explain(spans);
            assertEquals(0, result.exitCode(), why);
            assertVerdict(spans, ScenarioLine.of(result, "peer_fin"), "peer_fin", why);
            assertVerdict(spans, ScenarioLine.of(result, "linger_reset"), "peer_rst", why);
            return new Run(result, Files.readAllLines(classLog), why);
        }
    }

    /** The client's verdict is {@code clientOrigin}, the server's (which closed) {@code local_close}. */
    private static void assertVerdict(List<ReceivedSpan> spans, ScenarioLine line, String clientOrigin, String why) {
        assertTrue(spans.stream().anyMatch(s -> s.kind().equals("CLIENT")
                && Long.valueOf(line.clientPort()).equals(s.number("network.local.port"))
                && clientOrigin.equals(s.string("socket.close.origin"))), line + ": client " + clientOrigin + why);
        assertTrue(spans.stream().anyMatch(s -> s.kind().equals("SERVER")
                && Long.valueOf(line.clientPort()).equals(s.number("network.peer.port"))
                && "local_close".equals(s.string("socket.close.origin"))), line + ": server local_close" + why);
    }

    private static List<Path> entries(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".woven")).toList();
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource("jdks")
    void aWarmStartDefinesTheWovenClassesWithoutByteBuddy(Path jdk) throws Exception {
        Path cache = tmp.resolve("home/.cache/sockwatch");

        Run cold = run(jdk, cache.toString(), "cold");
        assertTrue(cold.loadedByteBuddy(), "a cold start weaves with Byte Buddy" + cold.why());
        assertTrue(cold.result().output().contains("sockwatch: instrumented sun.nio.ch.NioSocketImpl by Byte Buddy"),
                cold.why());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cache)));
        List<Path> stored = entries(cache);
        assertTrue(stored.size() >= 2, "java.net.Socket and NioSocketImpl at least: " + stored);

        Run warm = run(jdk, cache.toString(), "warm");
        assertFalse(warm.loadedByteBuddy(), "no Byte Buddy class: " + warm.loadedClasses().stream()
                .filter(l -> l.contains(BYTE_BUDDY)).limit(5).toList() + warm.why());
        for (String woven : List.of("java.net.Socket", "sun.nio.ch.NioSocketImpl")) {
            assertTrue(warm.result().output().contains("sockwatch: instrumented " + woven + " from the cache"),
                    woven + warm.why());
        }
        assertFalse(warm.result().output().contains("by Byte Buddy"), warm.why());
        assertEquals(stored, entries(cache), "nothing new to store");
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource("jdks")
    void aRuntimeAttachRetransformsWithTheCacheInPlace(Path jdk) throws Exception {
        Path cache = tmp.resolve("attach-cache");
        for (String name : List.of("attach-cold", "attach-warm")) {
            try (OtlpReceiver receiver = new OtlpReceiver()) {
                AgentJvm.Result result = new AgentJvm(jdk).withoutAgent().exportingTo(receiver, name)
                        .arg("-Djdk.attach.allowAttachSelf=true")
                        .run(SelfAttach.class, AgentJvm.agentJar().toAbsolutePath().toString(),
                                "cache.dir=" + cache + ",debug=true");
                List<ReceivedSpan> spans = receiver.await(s -> s.size() >= 2, Duration.ofSeconds(10));
                String why = result.explain(spans);
                assertEquals(0, result.exitCode(), why);
                // Observed after the attach: the loaded classes were retransformed.
                assertVerdict(spans, ScenarioLine.of(result, "linger_reset"), "peer_rst", why);
                // Retransformed from the bytes the JVM reconstitutes for a loaded class, which may differ from one JVM
                // to the next (method order): a warm attach may miss and weave with Byte Buddy again, as allowed.
                assertTrue(result.output().contains("sockwatch: instrumented sun.nio.ch.NioSocketImpl (retransformed) "),
                        why);
                assertFalse(result.output().contains("sockwatch: unsupported"), why);
            }
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource("jdks")
    void aCacheTurnedOffWeavesWithByteBuddyEveryTime(Path jdk) throws Exception {
        for (String name : List.of("off-1", "off-2")) {
            Run off = run(jdk, "none", name);
            assertTrue(off.loadedByteBuddy(), off.why());
            assertTrue(off.result().output().contains("sockwatch: no cache of woven classes (sockwatch.cache.dir=none)"),
                    off.why());
            assertFalse(off.result().output().contains("from the cache"), off.why());
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource("jdks")
    void corruptEntriesAreWovenAgain(Path jdk) throws Exception {
        Path cache = tmp.resolve("cache");
        run(jdk, cache.toString(), "cold");
        for (Path entry : entries(cache)) {
            byte[] bytes = Files.readAllBytes(entry);
            bytes[bytes.length / 2] ^= 0x5a;
            Files.write(entry, bytes);
        }
        Run corrupt = run(jdk, cache.toString(), "corrupt");
        assertTrue(corrupt.result().output().contains("sockwatch: discarding corrupt cache entry"), corrupt.why());
        assertTrue(corrupt.result().output().contains("sockwatch: instrumented sun.nio.ch.NioSocketImpl by Byte Buddy"),
                corrupt.why());
        Run again = run(jdk, cache.toString(), "again");
        assertFalse(again.loadedByteBuddy(), "stored anew by the corrupt run" + again.why());
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource("jdks")
    void aCacheOthersCanWriteIsRefusedInOneLine(Path jdk) throws Exception {
        Path cache = Files.createDirectory(tmp.resolve("shared"));
        Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxrwxrwx"));
        Run refused = run(jdk, cache.toString(), "shared");
        List<String> lines = refused.result().lines("sockwatch: not using the cache");
        assertEquals(List.of("sockwatch: not using the cache " + cache + ": writable by other users (rwxrwxrwx); "
                + "sockwatch.cache.dir can name a directory of your own, or none"), lines, refused.why());
        assertTrue(refused.loadedByteBuddy(), refused.why());
        assertEquals(List.of(), entries(cache), "nothing written there");
    }
}
