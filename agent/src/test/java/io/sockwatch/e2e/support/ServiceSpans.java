package io.sockwatch.e2e.support;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The spans one forked program exported under its own service name, with the program's output, ready for
 * assertions: scenario ITs share one receiver, so each keeps to its service.
 */
public final class ServiceSpans {

    private final List<ReceivedSpan> spans;
    private final String diagnostics;

    private ServiceSpans(List<ReceivedSpan> spans, String diagnostics) {
        this.spans = spans;
        this.diagnostics = diagnostics;
    }

    /** Waits (up to 15 s) until {@code expected} spans of {@code service} arrived, and takes what is there. */
    public static ServiceSpans await(OtlpReceiver receiver, String service, int expected, AgentJvm.Result result)
            throws InterruptedException {
        List<ReceivedSpan> mine = of(receiver.await(all -> of(all, service).size() >= expected,
                Duration.ofSeconds(15)), service);
        String diagnostics = "\n--- child output ---\n" + result.output() + "\n--- spans of " + service + " ---\n"
                + mine.stream().map(ReceivedSpan::toString).collect(Collectors.joining("\n"));
        return new ServiceSpans(mine, diagnostics);
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

    /** The CLIENT span by its local port, or, for a connect that never bound one (port 0), by the server port. */
    public ReceivedSpan client(long clientPort, long serverPort) {
        return spans.stream().filter(s -> s.kind().equals("CLIENT")).filter(s -> clientPort == 0
                        ? Long.valueOf(serverPort).equals(s.number("server.port"))
                        : Long.valueOf(clientPort).equals(s.number("network.local.port")))
                .findFirst().orElse(null);
    }

    /** Every SERVER span accepted on {@code serverPort}. */
    public List<ReceivedSpan> servers(long serverPort) {
        return spans.stream().filter(s -> s.kind().equals("SERVER")
                && Long.valueOf(serverPort).equals(s.number("network.local.port"))).toList();
    }

    /** The SERVER span on {@code serverPort} whose peer is {@code clientPort}. */
    public ReceivedSpan server(long serverPort, long clientPort) {
        return servers(serverPort).stream().filter(s -> Long.valueOf(clientPort).equals(s.number("network.peer.port")))
                .findFirst().orElse(null);
    }

    /** Every span whose local port is {@code port} (a listener's, for instance). */
    public List<ReceivedSpan> atLocalPort(long port) {
        return spans.stream().filter(s -> Long.valueOf(port).equals(s.number("network.local.port"))).toList();
    }
}
