package io.sockwatch.agent.instrumentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.sockwatch.agent.classify.Origin;
import io.sockwatch.agent.classify.Reason;
import io.sockwatch.agent.classify.Verdict;
import io.sockwatch.agent.tracker.ConnectionState;
import io.sockwatch.agent.tracker.ConnectionTracker;
import io.sockwatch.agent.tracker.PeerFilter;
import io.sockwatch.agent.tracker.TrackerSettings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The tracker with the inspectors registered exactly as the agent registers them, so that what the tracker asks of
 * an inspector is answered by the real one and not by a test double.
 */
class RegisteredInspectorsTest {

    private static final String ASYNC = "java.nio.channels.AsynchronousSocketChannel";
    private static final String SOCKET = "java.net.Socket";

    private final LinkedBlockingQueue<ConnectionState> ended = new LinkedBlockingQueue<>();
    private final ConnectionTracker tracker = new ConnectionTracker(
            new TrackerSettings(false, false, 1, 0, 16, PeerFilter.parse(List.of(), new ArrayList<>()), false,
                    Long.MAX_VALUE, false), ended::add);

    @AfterEach
    void stop() {
        tracker.shutdown();
    }

    private Verdict closedByAnInterruptedThread(String api) throws InterruptedException {
        AgentInstaller.register(AgentInstaller.modules(), tracker);
        tracker.start(() -> { }, () -> new Object[0]);
        Object socket = new Object(); // no field of a real channel is read on this path
        tracker.connectStarted(socket, new InetSocketAddress(InetAddress.getLoopbackAddress(), 8080), 0, api);
        tracker.connectEnded(socket, null);
        Thread.currentThread().interrupt();
        try {
            tracker.closing(socket);
        } finally {
            Thread.interrupted();
        }
        ConnectionState s = ended.poll(5, TimeUnit.SECONDS);
        assertNotNull(s, "no connection ended");
        return s.verdict();
    }

    /** An interrupt never closes an asynchronous channel: the thread's flag says nothing about this close. */
    @Test
    void anAsynchronousChannelClosedByAnInterruptedThreadIsAPlainClose() throws Exception {
        Verdict v = closedByAnInterruptedThread(ASYNC);
        assertEquals(Origin.LOCAL_CLOSE, v.origin(), v::toString);
        assertEquals(Reason.CLOSE, v.reason(), v::toString);
    }

    @Test
    void aSocketClosedByAnInterruptedThreadIsAnInterrupt() throws Exception {
        Verdict v = closedByAnInterruptedThread(SOCKET);
        assertEquals(Origin.LOCAL_CLOSE, v.origin(), v::toString);
        assertEquals(Reason.INTERRUPT, v.reason(), v::toString);
    }
}
