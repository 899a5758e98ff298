package io.sockwatch.agent.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.util.stream.Stream;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every row of the message table, with the exceptions and texts the JDK produces on Linux. */
class FailureTableTest {

    static Stream<Arguments> rows() {
        return Stream.of(
                // operation, failure, origin, reason, terminal
                row(Operation.READ, new SocketException("Connection reset"), Origin.PEER_RST, Reason.RESET, true),
                row(Operation.WRITE, new SocketException("Connection reset by peer"), Origin.PEER_RST, Reason.RESET, true),
                row(Operation.READ, new IOException("Connection reset by peer"), Origin.PEER_RST, Reason.RESET, true),
                row(Operation.WRITE, new SocketException("Broken pipe"), Origin.PEER_RST, Reason.BROKEN_PIPE, true),
                row(Operation.WRITE, new IOException("Broken pipe"), Origin.PEER_RST, Reason.BROKEN_PIPE, true),
                row(Operation.WRITE, new SocketException("Broken pipe (Write failed)"), Origin.PEER_RST,
                        Reason.BROKEN_PIPE, true),
                row(Operation.CONNECT, new ConnectException("Connection refused"), Origin.PEER_RST, Reason.REFUSED, true),
                row(Operation.CONNECT, new ConnectException("Connection refused: localhost/127.0.0.1:1234"),
                        Origin.PEER_RST, Reason.REFUSED, true),
                row(Operation.CONNECT, new ConnectException("Something the kernel never says"), Origin.PEER_RST,
                        Reason.REFUSED, true),
                row(Operation.CONNECT, new ConnectException("Connection timed out"), Origin.TIMEOUT,
                        Reason.CONNECT_TIMEOUT, true),
                row(Operation.CONNECT, new SocketTimeoutException("Connect timed out"), Origin.TIMEOUT,
                        Reason.CONNECT_TIMEOUT, true),
                row(Operation.READ, new SocketException("Connection timed out"), Origin.TIMEOUT,
                        Reason.KEEPALIVE_TIMEOUT, true),
                row(Operation.WRITE, new IOException("Connection timed out"), Origin.TIMEOUT, Reason.KEEPALIVE_TIMEOUT,
                        true),
                row(Operation.READ, new SocketTimeoutException("Read timed out"), Origin.TIMEOUT, Reason.READ_TIMEOUT,
                        false),
                row(Operation.ACCEPT, new SocketTimeoutException("Accept timed out"), Origin.TIMEOUT, Reason.OTHER,
                        false),
                row(Operation.CONNECT, new NoRouteToHostException("No route to host"), Origin.UNREACHABLE,
                        Reason.NO_ROUTE, true),
                row(Operation.CONNECT, new SocketException("Host is unreachable"), Origin.UNREACHABLE, Reason.NO_ROUTE,
                        true),
                row(Operation.CONNECT, new SocketException("Network is unreachable"), Origin.UNREACHABLE,
                        Reason.NETWORK_UNREACHABLE, true),
                row(Operation.CONNECT, new ConnectException("Network is unreachable"), Origin.UNREACHABLE,
                        Reason.NETWORK_UNREACHABLE, true),
                row(Operation.READ, new SocketException("Socket closed"), Origin.LOCAL_CLOSE, Reason.CLOSE, true),
                row(Operation.READ, new SocketException("Socket is closed"), Origin.LOCAL_CLOSE, Reason.CLOSE, true),
                row(Operation.READ, new SocketException("Closed by interrupt"), Origin.LOCAL_CLOSE, Reason.INTERRUPT,
                        true),
                row(Operation.READ, new ClosedByInterruptException(), Origin.LOCAL_CLOSE, Reason.INTERRUPT, true),
                row(Operation.READ, new AsynchronousCloseException(), Origin.LOCAL_CLOSE, Reason.ASYNC_CLOSE, true),
                row(Operation.WRITE, new ClosedChannelException(), Origin.LOCAL_CLOSE, Reason.CLOSE, true),
                row(Operation.WRITE, new SocketException("Socket output is shutdown"), Origin.LOCAL_CLOSE,
                        Reason.SHUTDOWN_OUTPUT, true),
                row(Operation.READ, new SocketException("Socket input is shutdown"), Origin.LOCAL_CLOSE,
                        Reason.SHUTDOWN_INPUT, true),
                row(Operation.READ, new InterruptedIOException(), Origin.LOCAL_CLOSE, Reason.INTERRUPT, true),
                row(Operation.READ, new IOException("Something else"), Origin.UNKNOWN, Reason.OTHER, true),
                row(Operation.READ, new IOException((String) null), Origin.UNKNOWN, Reason.OTHER, true),
                row(Operation.CONNECT, new UnknownHostException("nowhere.invalid"), Origin.UNKNOWN, Reason.OTHER, true),
                row(Operation.READ, new SocketException("CONNECTION RESET"), Origin.PEER_RST, Reason.RESET, true),
                // wrapped causes: the JDK and TLS wrap the errno-level exception
                row(Operation.READ, new IOException("wrapper", new SocketException("Connection reset")),
                        Origin.PEER_RST, Reason.RESET, true),
                row(Operation.WRITE, new SSLException("write failed", new SocketException("Broken pipe")),
                        Origin.PEER_RST, Reason.BROKEN_PIPE, true));
    }

    private static Arguments row(Operation op, Throwable t, Origin origin, Reason reason, boolean terminal) {
        return Arguments.of(op, t, origin, reason, terminal);
    }

    @ParameterizedTest(name = "{0} {1} -> {2}/{3}")
    @MethodSource("rows")
    void classifies(Operation op, Throwable failure, Origin origin, Reason reason, boolean terminal) {
        Failure f = FailureTable.classify(op, failure);
        assertEquals(origin, f.origin());
        assertEquals(reason, f.reason());
        assertEquals(terminal, f.terminal());
    }

    @Test
    void looksOnlyAFewCausesDeep() {
        IOException deep = new IOException("a", new IOException("b", new IOException("c",
                new IOException("d", new IOException("e", new SocketException("Connection reset"))))));
        assertEquals(Origin.UNKNOWN, FailureTable.classify(Operation.READ, deep).origin());
        IOException shallow = new IOException("a", new IOException("b", new SocketException("Connection reset")));
        assertEquals(Origin.PEER_RST, FailureTable.classify(Operation.READ, shallow).origin());
    }
}
