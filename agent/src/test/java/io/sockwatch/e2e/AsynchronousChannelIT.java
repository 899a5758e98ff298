package io.sockwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;

import io.sockwatch.e2e.scenarios.AsyncChannelScenarios;
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
 * AsynchronousSocketChannel in a forked JVM with the real agent, spans over real OTLP: every scenario of
 * {@link AsyncChannelScenarios}, both sides, with the verdict, the deciding event and the exact byte counts.
 */
class AsynchronousChannelIT {

    private static final String ASYNC = "java.nio.channels.AsynchronousSocketChannel";
    private static final String SOCKET = "java.net.Socket";

    private static Expected client(String origin, String reason, String detectedBy) {
        return Expected.client(ASYNC, origin, reason, detectedBy);
    }

    private static Expected server(String origin, String reason, String detectedBy) {
        return Expected.server(ASYNC, origin, reason, detectedBy);
    }

    private static final Map<String, Sides> SCENARIOS = scenarios();

    private static Map<String, Sides> scenarios() {
        Map<String, Sides> s = new LinkedHashMap<>();
        s.put("peer_fin", new Sides(client("peer_fin", "eof", "read").event("socket.eof").bytes(3, 0),
                server("local_close", "close", "close").event("socket.close").bytes(0, 3)));
        s.put("peer_fin_future", new Sides(client("peer_fin", "eof", "read").event("socket.eof").bytes(6, 5),
                server("local_close", "close", "close").event("socket.close").bytes(5, 6)));
        s.put("linger_reset", new Sides(client("peer_rst", "reset", "read").event("exception"),
                Expected.server(SOCKET, "local_close", "close", "close")));
        s.put("client_linger_reset", new Sides(Expected.client(SOCKET, "local_close", "close", "close"),
                server("peer_rst", "reset", "read").event("exception")));
        s.put("unread_input_reset", new Sides(client("peer_rst", "reset", "read").event("exception").bytes(0, 100),
                server("local_close", "close", "close")));
        s.put("broken_pipe", new Sides(client("peer_fin", "broken_pipe", "write").or("peer_rst", "reset")
                .event("exception").bytesWrittenAtLeast(0, 100 + 1024),
                server("local_close", "close", "close").bytes(100, 0)));
        s.put("read_timeout", new Sides(client("timeout", "read_timeout", "read").event("socket.timeout")
                .errorType("java.nio.channels.InterruptedByTimeoutException"),
                server("peer_fin", "eof", "read").event("socket.eof")));
        s.put("idle_timeout", new Sides(client("peer_fin", "eof", "read").event("socket.eof"),
                server("timeout", "read_timeout", "read").event("socket.timeout")
                        .errorType("java.nio.channels.InterruptedByTimeoutException")));
        s.put("local_close", new Sides(client("local_close", "close", "close").event("socket.close").bytes(0, 7),
                server("peer_fin", "eof", "read").event("socket.eof").bytes(7, 0)));
        s.put("async_close", new Sides(client("local_close", "async_close", "close").event("socket.close"),
                server("peer_fin", "eof", "read")));
        s.put("refused", new Sides(client("peer_rst", "refused", "connect").event("exception")
                .errorType("java.net.ConnectException").neverClosed(), null));
        s.put("half_close", new Sides(client("local_close", "shutdown_output", "close").event("socket.shutdown")
                .bytes(8, 7), server("peer_fin", "eof", "read").bytes(7, 8)));
        s.put("shutdown_input", new Sides(client("local_close", "shutdown_input", "close").event("socket.shutdown"),
                server("peer_fin", "eof", "read")));
        s.put("stale_pooled", new Sides(client("peer_fin", "eof", "close").event("socket.peer_closed"),
                server("local_close", "close", "close")));
        s.put("stale_reuse", new Sides(client("peer_fin", "eof", "reuse").event("socket.stale_reuse").bytes(4, 8),
                server("local_close", "close", "close").bytes(4, 4)));
        s.put("goodbye", new Sides(client("local_close", "close", "close").event("socket.goodbye").bytes(0, 4),
                server("local_close", "close", "close").bytes(4, 0)));
        s.put("use_after_close", new Sides(client("local_close", "close", "close").event("socket.use_after_close"),
                server("peer_fin", "eof", "read")));
        s.put("interrupted_close", new Sides(client("local_close", "close", "close").event("socket.close"),
                server("peer_fin", "eof", "read")));
        return s;
    }

    @RegisterExtension
    static final OtlpReceiver receiver = OtlpReceiver.forTheClass();

    @TestFactory
    List<DynamicNode> everyScenarioOnEveryJdk() throws Exception {
        return Jdks.each((jdk, version) -> List.of(run(jdk, "JDK " + version + " AsynchronousSocketChannel")));
    }

    private DynamicNode run(Path jdk, String label) throws Exception {
        // Two spans per scenario; refused has no server, listener_closed is one listener span.
        int expected = 2 * AsyncChannelScenarios.ALL.size() - 2;
        ScenarioRun run = ScenarioRun.run(new AgentJvm(jdk), receiver, label, AsyncChannelScenarios.class, expected);
        List<DynamicNode> tests = new ArrayList<>();
        tests.add(run.ran(AsyncChannelScenarios.ALL.size()));
        for (ScenarioLine line : run.lines()) {
            if (line.name().equals("listener_closed")) {
                tests.add(run.listener(line, Expected.listener(ASYNC, "async_close")));
                continue;
            }
            Sides sides = SCENARIOS.get(line.name());
            tests.addAll(run.tcp(line, sides, AsynchronousChannelIT::checkSpecifics));
        }
        return dynamicContainer(label, tests);
    }

    /** What only some scenarios show. */
    private static void checkSpecifics(ScenarioLine line, ReceivedSpan span, String diagnostics) {
        String where = span + diagnostics;
        String name = line.name();
        boolean timedOut = "timeout".equals(span.string("socket.close.origin"));
        if (timedOut) {
            assertEquals("read", span.event("socket.timeout").attributes().get("socket.operation"), where);
        }
        if (name.equals("shutdown_input") && span.kind().equals("CLIENT")) {
            assertEquals(true, span.event("socket.eof").attributes().get("socket.eof.after_local_shutdown"), where);
        }
        if (name.equals("async_close") && span.kind().equals("CLIENT")) {
            // The pending read is what the close interrupted; its AsynchronousCloseException is no misuse.
            assertEquals(1L, span.event("socket.close").attributes().get("socket.close.threads_in_io"), where);
        }
    }
}
