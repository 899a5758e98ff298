package io.sockwatch.e2e.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.DynamicTest;

/**
 * One run of a scenario program (each scenario prints a {@link ScenarioLine}) in a forked JVM with the agent,
 * exporting to a receiver shared by the IT under a service of its own, turned into dynamic tests: the run itself,
 * then each side of each scenario against its {@link Expected}.
 */
public final class ScenarioRun {

    /** What an IT checks on a side beyond {@link Expected}: its transport's attributes, a scenario's specifics. */
    @FunctionalInterface
    public interface SideCheck {
        SideCheck NONE = (line, span, diagnostics) -> { };

        void check(ScenarioLine line, ReceivedSpan span, String diagnostics);
    }

    private final AgentJvm.Result result;
    private final List<ScenarioLine> lines;
    private final ServiceSpans spans;
    private final int expectedSpans;

    private ScenarioRun(AgentJvm.Result result, ServiceSpans spans, int expectedSpans) {
        this.result = result;
        this.lines = ScenarioLine.all(result);
        this.spans = spans;
        this.expectedSpans = expectedSpans;
    }

    /** The client and the server a scenario must report; a null server: no connection was accepted. */
    public record Sides(Expected client, Expected server) {
    }

    /**
     * Runs {@code program} in {@code jvm} with a 200 ms close grace (spans come sooner), exporting to
     * {@code receiver} under a service named after {@code label}, and waits for its {@code expectedSpans}.
     */
    public static ScenarioRun run(AgentJvm jvm, OtlpReceiver receiver, String label, Class<?> program,
                                  int expectedSpans) throws IOException, InterruptedException {
        return run(jvm, receiver, label, program, lines -> expectedSpans);
    }

    /** The same, with the spans to wait for counted from the lines the program printed. */
    public static ScenarioRun run(AgentJvm jvm, OtlpReceiver receiver, String label, Class<?> program,
                                  ToIntFunction<List<ScenarioLine>> expectedSpans)
            throws IOException, InterruptedException {
        return run(jvm, receiver, label, program, expectedSpans, new String[0]);
    }

    /** The same, with arguments for the program. */
    public static ScenarioRun run(AgentJvm jvm, OtlpReceiver receiver, String label, Class<?> program,
                                  ToIntFunction<List<ScenarioLine>> expectedSpans, String... programArgs)
            throws IOException, InterruptedException {
        String service = label.replaceAll("[^A-Za-z0-9.]+", "-");
        AgentJvm.Result result = jvm.exportingTo(receiver, service).arg("-Dsockwatch.close.grace=200ms")
                .run(program, programArgs);
        int expected = expectedSpans.applyAsInt(ScenarioLine.all(result));
        return new ScenarioRun(result, ServiceSpans.await(receiver, service, expected, result), expected);
    }

    public AgentJvm.Result result() {
        return result;
    }

    public List<ScenarioLine> lines() {
        return lines;
    }

    public ServiceSpans spans() {
        return spans;
    }

    /** The program ended well, ran each of its scenarios, met no unsupported JDK, and each connection is one span. */
    public DynamicTest ran(int scenarios) {
        String why = spans.diagnostics();
        return dynamicTest("the program ran every scenario; one span per connection and no other", () -> {
            assertEquals(0, result.exitCode(), why);
            assertEquals(scenarios, lines.size(), why);
            assertEquals(List.of(), result.lines("sockwatch: unsupported"), why);
            assertEquals(expectedSpans, spans.all().size(), why);
        });
    }

    /** One side: exactly one span found by {@code find}, as {@code expected} says, then {@code extra}; none at all
     * when nothing is expected. */
    public DynamicTest side(String name, ScenarioLine line, Expected expected, Supplier<List<ReceivedSpan>> find,
                            SideCheck extra) {
        String why = spans.diagnostics();
        return dynamicTest(name, () -> {
            List<ReceivedSpan> found = find.get();
            if (expected == null) {
                assertEquals(List.of(), found, "no span for " + name + why);
                return;
            }
            assertEquals(1, found.size(), "one span for " + name + why);
            expected.check(found.get(0), why);
            extra.check(line, found.get(0), why);
        });
    }

    /**
     * Both sides of a loopback TCP scenario, paired by ports, with what every loopback TCP span carries; a null
     * server means no connection was accepted.
     */
    public List<DynamicTest> tcp(ScenarioLine line, Sides sides, SideCheck extra) {
        Expected client = sides.client();
        Expected server = sides.server();
        long clientPort = line.clientPort();
        long serverPort = line.serverPort();
        SideCheck tcp = (l, span, why) -> {
            checkLoopbackTcp(span, why);
            if (span.kind().equals("CLIENT")) {
                assertTrue(Set.of("localhost", "127.0.0.1").contains(span.string("server.address")),
                        "server.address as asked: " + span + why);
                assertEquals(serverPort, span.number("server.port"), "server.port as asked: " + span + why);
                if (clientPort == 0) {
                    assertNull(span.string("network.local.address"), "the connect never bound: " + span + why);
                }
            }
            extra.check(l, span, why);
        };
        return List.of(
                side(line.name() + ": client", line, client, () -> spans.clients(clientPort, serverPort), tcp),
                side(line.name() + ": server", line, server, () -> server == null ? spans.servers(serverPort)
                        : spans.servers(serverPort, clientPort), tcp));
    }

    /** A listener closed under a pending accept: its one span at the listening port, and no connection. */
    public DynamicTest listener(ScenarioLine line, Expected listener) {
        return side(line.name() + ": one listener span, no connection", line, listener,
                () -> spans.atLocalPort(line.serverPort()), SideCheck.NONE);
    }

    public static void checkLoopbackTcp(ReceivedSpan span, String why) {
        assertEquals("tcp", span.string("network.transport"), span + why);
        assertEquals("ipv4", span.string("network.type"), span + why);
        assertEquals("127.0.0.1", span.string("network.peer.address"), span + why);
    }
}
