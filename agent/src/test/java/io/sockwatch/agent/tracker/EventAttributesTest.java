package io.sockwatch.agent.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.sockwatch.agent.classify.Operation;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The attributes every tracker event is built from, as the contract (docs/telemetry.md) names them. */
@SuppressWarnings("unchecked")
class EventAttributesTest {

    private final EventAttributes events = new EventAttributes(3);

    @Test
    void theThreadAloneWhenNoCallSiteIsAskedFor() throws Exception {
        Map<String, Object>[] seen = new Map[1];
        Thread worker = new Thread(() -> seen[0] = events.onThisThread(false), "worker-7");
        worker.start();
        worker.join();
        assertEquals(Map.of("thread.name", "worker-7"), seen[0]);
    }

    @Test
    void theCallSiteIsDescribedWhenTheEventIsRead() {
        Map<String, Object> captured = events.onThisThread(true);
        Map<String, Object> read = new ConnectionEvent("socket.close", 0, captured).attributes();
        assertEquals(Thread.currentThread().getName(), read.get("thread.name"));
        // The first frame outside the JDK and sockwatch: JUnit's, which called this test.
        assertNotNull(read.get("code.function.name"), read.toString());
        assertNotNull(read.get("code.stacktrace"), read.toString());
    }

    @Test
    void anExceptionEventHasItsClassAndMessageWhenThereIsOne() {
        assertEquals(Map.of("exception.type", "java.net.SocketException", "exception.message", "Connection reset"),
                EventAttributes.exception(new SocketException("Connection reset")));
        assertEquals(Map.of("exception.type", "java.net.SocketException"),
                EventAttributes.exception(new SocketException()));
    }

    @Test
    void aTimeoutEventNamesTheOperationAsDetectedBy() {
        assertEquals(Map.of("socket.operation", "read", "exception.message", "Read timed out"),
                EventAttributes.timeout(Operation.READ, new SocketTimeoutException("Read timed out")));
        assertEquals(Map.of("socket.operation", "close"),
                EventAttributes.timeout(Operation.SHUTDOWN, new SocketTimeoutException()));
    }
}
