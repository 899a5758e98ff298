package io.sockwatch.e2e.support;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/**
 * The spans one forked program exported under its own service name, with the program's output, ready for
 * assertions: scenario ITs share one receiver, so each keeps to its service.
 */
public final class ServiceSpans {

    private static final Duration PATIENCE = Duration.ofSeconds(15);

    private final List<ReceivedSpan> spans;
    private final String diagnostics;

    private ServiceSpans(List<ReceivedSpan> spans, String diagnostics) {
        this.spans = spans;
        this.diagnostics = diagnostics;
    }

    /** Waits (up to 15 s) until {@code expected} spans of {@code service} arrived, and takes what is there. */
    public static ServiceSpans await(OtlpReceiver receiver, String service, int expected, AgentJvm.Result result)
            throws InterruptedException {
        return await(receiver, service, mine -> mine.size() >= expected, result);
    }

    /**
     * Waits (up to 15 s) until the spans of {@code service} satisfy {@code arrived}, and takes what is there. The
     * agent exports what is left when its JVM exits and waits for the answer, so once {@code result} is in (the
     * program has exited) this returns at once; nothing of that program arrives later.
     */
    public static ServiceSpans await(OtlpReceiver receiver, String service, Predicate<List<ReceivedSpan>> arrived,
                                     AgentJvm.Result result) throws InterruptedException {
        List<ReceivedSpan> mine = of(receiver.await(all -> arrived.test(of(all, service)), PATIENCE), service);
        return new ServiceSpans(mine, result.explain(mine));
    }

    private static List<ReceivedSpan> of(List<ReceivedSpan> spans, String service) {
        return spans.stream().filter(s -> service.equals(s.resource().get("service.name"))).toList();
    }

    public List<ReceivedSpan> all() {
        return spans;
    }

    /** The child's output and every span of the service, to append to a failure message. */
    public String diagnostics() {
        return diagnostics;
    }

    /**
     * The CLIENT spans towards {@code serverPort} from local port {@code clientPort}, or from any port when it is 0
     * (a connect that never bound one, or whose port the program could not learn). Both ports, because the kernel
     * hands the same ephemeral port to successive connections of one run.
     */
    public List<ReceivedSpan> clients(long clientPort, long serverPort) {
        return spans.stream().filter(s -> s.kind().equals("CLIENT")
                && Long.valueOf(serverPort).equals(s.number("server.port"))
                && (clientPort == 0 || Long.valueOf(clientPort).equals(s.number("network.local.port")))).toList();
    }

    /** Every SERVER span accepted on {@code serverPort}. */
    public List<ReceivedSpan> servers(long serverPort) {
        return spans.stream().filter(s -> s.kind().equals("SERVER")
                && Long.valueOf(serverPort).equals(s.number("network.local.port"))).toList();
    }

    /** The SERVER spans on {@code serverPort} whose peer is {@code clientPort}. */
    public List<ReceivedSpan> servers(long serverPort, long clientPort) {
        return servers(serverPort).stream().filter(s -> Long.valueOf(clientPort).equals(s.number("network.peer.port")))
                .toList();
    }

    /** Every span whose local port is {@code port} (a listener's, for instance). */
    public List<ReceivedSpan> atLocalPort(long port) {
        return spans.stream().filter(s -> Long.valueOf(port).equals(s.number("network.local.port"))).toList();
    }
}
