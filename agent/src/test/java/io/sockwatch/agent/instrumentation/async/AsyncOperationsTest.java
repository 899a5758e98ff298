package io.sockwatch.agent.instrumentation.async;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockwatch.bootstrap.AsyncSignals;
import io.sockwatch.bootstrap.SocketSignals;
import java.lang.reflect.Proxy;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.InterruptedByTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pairing of a handed-over result with the operation announced on the same thread. */
class AsyncOperationsTest {

    private final List<List<Object>> reported = new ArrayList<>();
    private final AsyncOperations operations = new AsyncOperations((SocketSignals) Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[] {SocketSignals.class}, (proxy, method, args) -> {
                List<Object> call = new ArrayList<>();
                call.add(method.getName());
                call.addAll(Arrays.asList(args));
                reported.add(call);
                return null;
            }));
    private final Object channel = new Object();

    @Test
    void aResultIsReportedOnceAsTheOperationAnnouncedOnThisThread() {
        operations.begin(channel, AsyncSignals.READ);
        assertTrue(operations.inProgress(channel, AsyncSignals.READ));
        assertFalse(operations.inProgress(channel, AsyncSignals.CONNECT));
        operations.result(5, null);
        operations.result(7, null); // a second hand-over in the same method is not this operation's
        operations.end();
        assertEquals(List.of(call("read", channel, 5L, null)), reported);
    }

    @Test
    void resultsOutsideAnAnnouncedOperationAreNotSockets() {
        operations.result(5, null); // an asynchronous file channel, or a pooled task run later
        operations.begin(channel, AsyncSignals.WRITE);
        operations.end();
        operations.result(5, null);
        assertEquals(List.of(), reported);
        assertFalse(operations.inProgress(channel, AsyncSignals.WRITE));
    }

    @Test
    void eachOperationBecomesItsSignal() {
        AsynchronousCloseException closed = new AsynchronousCloseException();
        Object accepted = new Object();
        operations.begin(channel, AsyncSignals.CONNECT);
        operations.result(null, closed);
        operations.begin(channel, AsyncSignals.WRITE);
        operations.result(3, null);
        operations.begin(channel, AsyncSignals.ACCEPT);
        operations.result(accepted, null);
        operations.begin(channel, AsyncSignals.ACCEPT);
        operations.result(null, closed);
        String api = "java.nio.channels.AsynchronousSocketChannel";
        assertEquals(List.of(call("connectEnded", channel, closed), call("write", channel, 3L, null),
                call("acceptEnded", channel, accepted, null, api), call("acceptEnded", channel, null, closed, api)),
                reported);
    }

    @Test
    void aTimeoutIsAFailedReadOrWrite() {
        operations.timedOut(channel, true);
        operations.timedOut(channel, false);
        assertEquals(List.of("read", "write"), reported.stream().map(c -> c.get(0)).toList());
        assertTrue(reported.stream().allMatch(c -> c.get(3) instanceof InterruptedByTimeoutException));
    }

    private static List<Object> call(Object... methodAndArguments) {
        return Arrays.asList(methodAndArguments);
    }
}
