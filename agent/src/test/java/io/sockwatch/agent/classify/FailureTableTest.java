package io.sockwatch.agent.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

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
import java.nio.channels.InterruptedByTimeoutException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Locale;
import java.util.stream.Stream;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every row of the failure table, with the exception types and the exact messages the JDK throws on Linux.
 *
 * <p>Where the texts come from (JDK 17 and 25 sources):
 * <ul>
 *   <li>{@code sun.nio.ch.SocketDispatcher.read0}: ECONNRESET/EPIPE on read throws
 *       {@code sun.net.ConnectionResetException("Connection reset")}, which NioSocketImpl and SocketChannelImpl turn
 *       into {@code SocketException("Connection reset")}.</li>
 *   <li>Writes: the errno text via {@code JNU_ThrowIOExceptionWithLastError}, so a SocketChannel throws
 *       {@code IOException("Broken pipe")} / {@code IOException("Connection reset by peer")}; NioSocketImpl re-throws
 *       it as a SocketException with the same message.</li>
 *   <li>{@code Net.c handleSocketError}: ECONNREFUSED, ETIMEDOUT, ENOTCONN give a ConnectException, EHOSTUNREACH a
 *       NoRouteToHostException, anything else (ENETUNREACH) a SocketException, all with the strerror text.</li>
 *   <li>{@code jdk.includeInExceptions=hostInfo}: connect failures get {@code ": host/ip:port"} appended.</li>
 *   <li>JDK texts: "Read timed out", "Connect timed out", "Accept timed out", "Socket closed" (NioSocketImpl),
 *       "Socket is closed", "Socket output is shutdown" (java.net.Socket, SocketAdaptor), "Closed by interrupt"
 *       (JDK 21+ virtual threads), a message-less InterruptedIOException (NioSocketImpl.park, virtual thread).</li>
 * </ul>
 */
class FailureTableTest {

    /** sun.net.ConnectionResetException is not accessible from the unnamed module: same message, plain type. */
    private static IOException connectionResetException() {
        return new IOException("Connection reset");
    }

    private static Throwable withCause(Throwable t, Throwable cause) {
        return t.initCause(cause); // SocketException(String, Throwable) is JDK 19+
    }

    static Stream<Arguments> rows() {
        return Stream.of(
                // ---- reset: the peer (or a middlebox) sent RST ----
                row("NioSocketImpl / SocketChannelImpl read after ECONNRESET; also a Unix domain SocketChannel read"
                                + " after the peer closed with our data unread (ECONNRESET, no RST)", Operation.READ,
                        new SocketException("Connection reset"), Origin.PEER_RST, Reason.RESET, true),
                row("SocketDispatcher.read0 ECONNRESET (ConnectionResetException); an AsynchronousSocketChannel"
                                + " re-throws it as an IOException with the same text", Operation.READ,
                        connectionResetException(), Origin.PEER_RST, Reason.RESET, true),
                row("legacy PlainSocketImpl write ECONNRESET (ConnectionResetException)", Operation.WRITE,
                        connectionResetException(), Origin.PEER_RST, Reason.RESET, true),
                row("NioSocketImpl write ECONNRESET", Operation.WRITE,
                        new SocketException("Connection reset by peer"), Origin.PEER_RST, Reason.RESET, true),
                row("SocketChannel write ECONNRESET", Operation.WRITE,
                        new IOException("Connection reset by peer"), Origin.PEER_RST, Reason.RESET, true),
                row("ECONNRESET text on a read", Operation.READ,
                        new SocketException("Connection reset by peer"), Origin.PEER_RST, Reason.RESET, true),
                // ---- broken pipe: EPIPE, writing after the peer's RST ----
                row("NioSocketImpl write EPIPE", Operation.WRITE,
                        new SocketException("Broken pipe"), Origin.PEER_FIN, Reason.BROKEN_PIPE, true),
                row("SocketChannel write EPIPE; on a Unix domain SocketChannel at once after the peer closed (no RST)",
                        Operation.WRITE, new IOException("Broken pipe"), Origin.PEER_FIN, Reason.BROKEN_PIPE, true),
                row("legacy PlainSocketImpl write EPIPE (errno text then detail)", Operation.WRITE,
                        new SocketException("Broken pipe (Write failed)"), Origin.PEER_FIN, Reason.BROKEN_PIPE, true),
                // ---- refused: RST answered our SYN ----
                row("connect ECONNREFUSED", Operation.CONNECT,
                        new ConnectException("Connection refused"), Origin.PEER_RST, Reason.REFUSED, true),
                row("connect ECONNREFUSED, hostInfo", Operation.CONNECT,
                        new ConnectException("Connection refused: localhost/127.0.0.1:1234"),
                        Origin.PEER_RST, Reason.REFUSED, true),
                row("connect ECONNREFUSED, hostInfo, Unix domain", Operation.CONNECT,
                        new ConnectException("Connection refused: /tmp/app.sock"), Origin.PEER_RST, Reason.REFUSED, true),
                row("ConnectException with an unknown message (ENOTCONN)", Operation.CONNECT,
                        new ConnectException("Transport endpoint is not connected"),
                        Origin.PEER_RST, Reason.REFUSED, true),
                row("ConnectException with Net.c's default text", Operation.CONNECT,
                        new ConnectException("NioSocketError"), Origin.PEER_RST, Reason.REFUSED, true),
                row("ConnectException without message", Operation.CONNECT,
                        new ConnectException(), Origin.PEER_RST, Reason.REFUSED, true),
                // ---- timeouts ----
                row("connect ETIMEDOUT: SYN unanswered", Operation.CONNECT,
                        new ConnectException("Connection timed out"), Origin.TIMEOUT, Reason.CONNECT_TIMEOUT, true),
                row("connect ETIMEDOUT, hostInfo", Operation.CONNECT,
                        new ConnectException("Connection timed out: example.com/192.0.2.1:443"),
                        Origin.TIMEOUT, Reason.CONNECT_TIMEOUT, true),
                row("read ETIMEDOUT: keepalive or retransmissions gave up", Operation.READ,
                        new SocketException("Connection timed out"), Origin.TIMEOUT, Reason.KEEPALIVE_TIMEOUT, true),
                row("NioSocketImpl write ETIMEDOUT", Operation.WRITE,
                        new SocketException("Connection timed out"), Origin.TIMEOUT, Reason.KEEPALIVE_TIMEOUT, true),
                row("SocketChannel write ETIMEDOUT", Operation.WRITE,
                        new IOException("Connection timed out"), Origin.TIMEOUT, Reason.KEEPALIVE_TIMEOUT, true),
                row("SO_TIMEOUT read: the socket stays usable", Operation.READ,
                        new SocketTimeoutException("Read timed out"), Origin.TIMEOUT, Reason.READ_TIMEOUT, false,
                        TIMEOUT_EVENT),
                row("SocketTimeoutException without message on read", Operation.READ,
                        new SocketTimeoutException(), Origin.TIMEOUT, Reason.READ_TIMEOUT, false, TIMEOUT_EVENT),
                row("connect(addr, timeout) deadline", Operation.CONNECT,
                        new SocketTimeoutException("Connect timed out"), Origin.TIMEOUT, Reason.CONNECT_TIMEOUT, true),
                row("connect deadline, hostInfo (JDK 17)", Operation.CONNECT,
                        new SocketTimeoutException("Connect timed out: localhost/127.0.0.1:1234"),
                        Origin.TIMEOUT, Reason.CONNECT_TIMEOUT, true),
                row("AsynchronousSocketChannel read(dst, timeout, unit, ...): no read is allowed after it",
                        Operation.READ, new InterruptedByTimeoutException(), Origin.TIMEOUT, Reason.READ_TIMEOUT, true,
                        TIMEOUT_EVENT),
                row("AsynchronousSocketChannel write timeout: no write is allowed after it", Operation.WRITE,
                        new InterruptedByTimeoutException(), Origin.TIMEOUT, Reason.OTHER, true, TIMEOUT_EVENT),
                row("an asynchronous read timeout wrapped by a library", Operation.READ, new IOException(new InterruptedByTimeoutException()),
                        Origin.TIMEOUT, Reason.READ_TIMEOUT, true),
                row("ServerSocket SO_TIMEOUT: ends no connection", Operation.ACCEPT,
                        new SocketTimeoutException("Accept timed out"), Origin.TIMEOUT, Reason.OTHER, false),
                // ---- unreachable ----
                row("connect EHOSTUNREACH", Operation.CONNECT,
                        new NoRouteToHostException("No route to host"), Origin.UNREACHABLE, Reason.NO_ROUTE, true),
                row("connect EHOSTUNREACH, hostInfo", Operation.CONNECT,
                        new NoRouteToHostException("No route to host: db/10.0.0.9:5432"),
                        Origin.UNREACHABLE, Reason.NO_ROUTE, true),
                row("NoRouteToHostException without message", Operation.CONNECT,
                        new NoRouteToHostException(), Origin.UNREACHABLE, Reason.NO_ROUTE, true),
                row("read EHOSTUNREACH (ICMP error on an established connection)", Operation.READ,
                        new SocketException("No route to host"), Origin.UNREACHABLE, Reason.NO_ROUTE, true),
                row("'Host is unreachable' wording", Operation.CONNECT,
                        new SocketException("Host is unreachable"), Origin.UNREACHABLE, Reason.NO_ROUTE, true),
                row("connect ENETUNREACH (a SocketException, not a ConnectException)", Operation.CONNECT,
                        new SocketException("Network is unreachable"),
                        Origin.UNREACHABLE, Reason.NETWORK_UNREACHABLE, true),
                row("ENETUNREACH text beats the ConnectException fallback", Operation.CONNECT,
                        new ConnectException("Network is unreachable"),
                        Origin.UNREACHABLE, Reason.NETWORK_UNREACHABLE, true),
                row("SocketChannel write ENETUNREACH", Operation.WRITE,
                        new IOException("Network is unreachable"), Origin.UNREACHABLE, Reason.NETWORK_UNREACHABLE, true),
                // ---- our own close ----
                row("NioSocketImpl read on a closed socket", Operation.READ,
                        new SocketException("Socket closed"), Origin.LOCAL_CLOSE, Reason.CLOSE, true),
                row("NioSocketImpl write on a closed socket", Operation.WRITE,
                        new SocketException("Socket closed"), Origin.LOCAL_CLOSE, Reason.CLOSE, true),
                row("NioSocketImpl connect closed concurrently", Operation.CONNECT,
                        new SocketException("Socket closed"), Origin.LOCAL_CLOSE, Reason.CLOSE, true),
                row("legacy NET_ThrowNew EBADF ('socket closed: detail')", Operation.READ,
                        new SocketException("socket closed: Read failed"), Origin.LOCAL_CLOSE, Reason.CLOSE, true),
                row("java.net.Socket state check", Operation.READ,
                        new SocketException("Socket is closed"), Origin.LOCAL_CLOSE, Reason.CLOSE, true),
                row("SocketAdaptor state check", Operation.WRITE,
                        new SocketException("Socket is closed"), Origin.LOCAL_CLOSE, Reason.CLOSE, true),
                row("java.net.Socket read, interrupted virtual thread", Operation.READ,
                        new SocketException("Closed by interrupt"), Origin.LOCAL_CLOSE, Reason.INTERRUPT, true),
                row("java.net.Socket write, interrupted virtual thread", Operation.WRITE,
                        new SocketException("Closed by interrupt"), Origin.LOCAL_CLOSE, Reason.INTERRUPT, true),
                row("NioSocketImpl connect, interrupted virtual thread", Operation.CONNECT,
                        new SocketException("Closed by interrupt"), Origin.LOCAL_CLOSE, Reason.INTERRUPT, true),
                row("SocketChannel read, interrupted thread", Operation.READ,
                        new ClosedByInterruptException(), Origin.LOCAL_CLOSE, Reason.INTERRUPT, true),
                row("SocketChannel write, interrupted thread", Operation.WRITE,
                        new ClosedByInterruptException(), Origin.LOCAL_CLOSE, Reason.INTERRUPT, true),
                row("SocketChannel connect, interrupted thread", Operation.CONNECT,
                        new ClosedByInterruptException(), Origin.LOCAL_CLOSE, Reason.INTERRUPT, true),
                row("SocketChannel read, closed by another thread", Operation.READ,
                        new AsynchronousCloseException(), Origin.LOCAL_CLOSE, Reason.ASYNC_CLOSE, true),
                row("SocketChannel write, closed by another thread", Operation.WRITE,
                        new AsynchronousCloseException(), Origin.LOCAL_CLOSE, Reason.ASYNC_CLOSE, true),
                row("SocketChannel write on a closed channel", Operation.WRITE,
                        new ClosedChannelException(), Origin.LOCAL_CLOSE, Reason.CLOSE, true),
                row("SocketChannel read on a closed channel", Operation.READ,
                        new ClosedChannelException(), Origin.LOCAL_CLOSE, Reason.CLOSE, true),
                row("java.net.Socket / SocketAdaptor after shutdownOutput", Operation.WRITE,
                        new SocketException("Socket output is shutdown"),
                        Origin.LOCAL_CLOSE, Reason.SHUTDOWN_OUTPUT, true),
                row("legacy AbstractPlainSocketImpl after shutdownOutput (JDK 17)", Operation.WRITE,
                        new IOException("Socket output is shutdown"), Origin.LOCAL_CLOSE, Reason.SHUTDOWN_OUTPUT, true),
                row("Socket.shutdownOutput twice", Operation.SHUTDOWN,
                        new SocketException("Socket output is already shutdown"),
                        Origin.LOCAL_CLOSE, Reason.SHUTDOWN_OUTPUT, true),
                row("java.net.Socket / SocketAdaptor after shutdownInput", Operation.READ,
                        new SocketException("Socket input is shutdown"), Origin.LOCAL_CLOSE, Reason.SHUTDOWN_INPUT, true),
                row("Socket.shutdownInput twice", Operation.SHUTDOWN,
                        new SocketException("Socket input is already shutdown"),
                        Origin.LOCAL_CLOSE, Reason.SHUTDOWN_INPUT, true),
                row("NioSocketImpl.park, interrupted virtual thread", Operation.READ,
                        new InterruptedIOException(), Origin.LOCAL_CLOSE, Reason.INTERRUPT, true),
                row("InterruptedIOException with an empty message", Operation.WRITE,
                        new InterruptedIOException(""), Origin.LOCAL_CLOSE, Reason.INTERRUPT, true),
                // ---- nothing known: the exception is kept ----
                row("unknown IOException", Operation.READ,
                        new IOException("Something else"), Origin.UNKNOWN, Reason.OTHER, true),
                row("IOException with null message", Operation.READ,
                        new IOException((String) null), Origin.UNKNOWN, Reason.OTHER, true),
                row("SocketException without message", Operation.WRITE,
                        new SocketException(), Origin.UNKNOWN, Reason.OTHER, true),
                row("SocketException with an empty message", Operation.READ,
                        new SocketException(""), Origin.UNKNOWN, Reason.OTHER, true),
                row("unresolved host", Operation.CONNECT,
                        new UnknownHostException("nowhere.invalid"), Origin.UNKNOWN, Reason.OTHER, true),
                row("not an IOException at all", Operation.READ,
                        new IllegalStateException("weird"), Origin.UNKNOWN, Reason.OTHER, true),
                // ---- letter case: texts are matched case-insensitively ----
                row("upper case reset", Operation.READ,
                        new SocketException("CONNECTION RESET"), Origin.PEER_RST, Reason.RESET, true),
                row("lower case reset", Operation.READ,
                        new SocketException("connection reset"), Origin.PEER_RST, Reason.RESET, true),
                row("mixed case reset by peer", Operation.WRITE,
                        new IOException("Connection Reset By Peer"), Origin.PEER_RST, Reason.RESET, true),
                row("upper case broken pipe", Operation.WRITE,
                        new IOException("BROKEN PIPE"), Origin.PEER_FIN, Reason.BROKEN_PIPE, true),
                row("mixed case refused", Operation.CONNECT,
                        new SocketException("connection REFUSED"), Origin.PEER_RST, Reason.REFUSED, true),
                row("upper case connection timed out, connect", Operation.CONNECT,
                        new SocketException("CONNECTION TIMED OUT"), Origin.TIMEOUT, Reason.CONNECT_TIMEOUT, true),
                row("lower case connection timed out, read", Operation.READ,
                        new SocketException("connection timed out"), Origin.TIMEOUT, Reason.KEEPALIVE_TIMEOUT, true),
                row("upper case no route", Operation.CONNECT,
                        new SocketException("NO ROUTE TO HOST"), Origin.UNREACHABLE, Reason.NO_ROUTE, true),
                row("upper case network unreachable", Operation.CONNECT,
                        new SocketException("NETWORK IS UNREACHABLE"),
                        Origin.UNREACHABLE, Reason.NETWORK_UNREACHABLE, true),
                row("upper case socket closed", Operation.READ,
                        new SocketException("SOCKET CLOSED"), Origin.LOCAL_CLOSE, Reason.CLOSE, true),
                row("title case closed by interrupt", Operation.READ,
                        new SocketException("Closed By Interrupt"), Origin.LOCAL_CLOSE, Reason.INTERRUPT, true),
                row("upper case output shutdown", Operation.WRITE,
                        new SocketException("SOCKET OUTPUT IS SHUTDOWN"), Origin.LOCAL_CLOSE, Reason.SHUTDOWN_OUTPUT,
                        true),
                // ---- wrapped causes: the errno-level exception is found under wrappers ----
                row("IOException wrapping a read reset", Operation.READ,
                        new IOException("wrapper", new SocketException("Connection reset")),
                        Origin.PEER_RST, Reason.RESET, true),
                row("SSLException wrapping a broken pipe", Operation.WRITE,
                        new SSLException("write failed", new SocketException("Broken pipe")),
                        Origin.PEER_FIN, Reason.BROKEN_PIPE, true),
                row("wrapper built from the cause (message is cause.toString())", Operation.READ,
                        new IOException(new SocketException("Connection reset")), Origin.PEER_RST, Reason.RESET, true),
                row("two wrappers around a broken pipe", Operation.WRITE,
                        new IOException("a", new IOException("b", new IOException("Broken pipe"))),
                        Origin.PEER_FIN, Reason.BROKEN_PIPE, true),
                row("wrapped ClosedByInterruptException: found by type", Operation.READ,
                        new IOException("wrapper", new ClosedByInterruptException()),
                        Origin.LOCAL_CLOSE, Reason.INTERRUPT, true),
                row("wrapped AsynchronousCloseException: found by type", Operation.READ,
                        new SSLException("wrapper", new AsynchronousCloseException()),
                        Origin.LOCAL_CLOSE, Reason.ASYNC_CLOSE, true),
                row("wrapped read timeout stays non-terminal", Operation.READ,
                        new IOException("wrapper", new SocketTimeoutException("Read timed out")),
                        Origin.TIMEOUT, Reason.READ_TIMEOUT, false),
                row("wrapped NoRouteToHostException without message", Operation.CONNECT,
                        new IOException("wrapper", new NoRouteToHostException()),
                        Origin.UNREACHABLE, Reason.NO_ROUTE, true),
                row("wrapped keepalive timeout", Operation.READ,
                        new SSLException("wrapper", new SocketException("Connection timed out")),
                        Origin.TIMEOUT, Reason.KEEPALIVE_TIMEOUT, true),
                row("the outer exception's own text is tried before its cause", Operation.READ,
                        withCause(new SocketException("Socket closed"), new SocketException("Connection reset")),
                        Origin.LOCAL_CLOSE, Reason.CLOSE, true),
                row("wrapper and cause both unknown", Operation.READ,
                        new IOException("wrapper", new IOException("still nothing")),
                        Origin.UNKNOWN, Reason.OTHER, true));
    }

    /** A row's last column: the thrown exception is the timeout of a read or write, a socket.timeout event. */
    private static final boolean TIMEOUT_EVENT = true;

    private static Arguments row(String source, Operation op, Throwable t, Origin origin, Reason reason,
            boolean terminal) {
        return row(source, op, t, origin, reason, terminal, false);
    }

    private static Arguments row(String source, Operation op, Throwable t, Origin origin, Reason reason,
            boolean terminal, boolean timeoutEvent) {
        return Arguments.of(source, op, t, origin, reason, terminal, timeoutEvent);
    }

    @ParameterizedTest(name = "[{index}] {0}: {1} {2} -> {3}/{4} terminal={5} timeoutEvent={6}")
    @MethodSource("rows")
    void classifies(String source, Operation op, Throwable failure, Origin origin, Reason reason, boolean terminal,
            boolean timeoutEvent) {
        Failure f = FailureTable.classify(op, failure);
        assertEquals(new Failure(origin, reason, terminal, timeoutEvent), f, source);
        assertEquals(origin == Origin.LOCAL_CLOSE, f.isLocalClose(), source);
    }

    /** Only timeouts that leave the socket usable are non-terminal; a table with none would prove nothing. */
    @Test
    void onlyTimeoutsAreNonTerminal() {
        Map<String, Failure> nonTerminal = new LinkedHashMap<>();
        rows().map(Arguments::get).forEach(row -> {
            Failure f = FailureTable.classify((Operation) row[1], (Throwable) row[2]);
            if (!f.terminal()) {
                nonTerminal.put((String) row[0], f);
            }
        });
        assertFalse(nonTerminal.isEmpty(), "an SO_TIMEOUT read leaves the socket usable");
        nonTerminal.forEach((source, f) -> assertEquals(Origin.TIMEOUT, f.origin(), source));
    }

    // ---- the operation matters only for timeouts ---------------------------------------------------------------

    /** The operations of an open connection, whose own timeouts are socket.timeout events. */
    private static boolean onConnection(Operation op) {
        return op == Operation.READ || op == Operation.WRITE || op == Operation.SHUTDOWN;
    }

    @ParameterizedTest
    @EnumSource(Operation.class)
    void socketTimeoutDependsOnTheOperation(Operation op) {
        Failure f = FailureTable.classify(op, new SocketTimeoutException("timed out"));
        switch (op) {
            case CONNECT -> assertEquals(new Failure(Origin.TIMEOUT, Reason.CONNECT_TIMEOUT, true, false), f);
            case ACCEPT -> assertEquals(new Failure(Origin.TIMEOUT, Reason.OTHER, false, false), f);
            case READ -> assertEquals(new Failure(Origin.TIMEOUT, Reason.READ_TIMEOUT, false, true), f);
            default -> assertEquals(new Failure(Origin.TIMEOUT, Reason.OTHER, false, onConnection(op)), f, op.name());
        }
    }

    /** An asynchronous channel's timeout ends the connection whatever the operation; only a read names itself. */
    @ParameterizedTest
    @EnumSource(Operation.class)
    void asynchronousTimeoutIsTerminalAndAReadTimeoutOnlyOnRead(Operation op) {
        Reason expected = op == Operation.READ ? Reason.READ_TIMEOUT : Reason.OTHER;
        assertEquals(new Failure(Origin.TIMEOUT, expected, true, onConnection(op)),
                FailureTable.classify(op, new InterruptedByTimeoutException()), op.name());
    }

    /** ETIMEDOUT is the kernel giving up (keepalive, retransmissions), not a deadline: never a socket.timeout event. */
    @ParameterizedTest
    @EnumSource(Operation.class)
    void connectionTimedOutIsAConnectTimeoutOnlyOnConnect(Operation op) {
        Reason expected = op == Operation.CONNECT ? Reason.CONNECT_TIMEOUT : Reason.KEEPALIVE_TIMEOUT;
        assertEquals(new Failure(Origin.TIMEOUT, expected, true, false),
                FailureTable.classify(op, new SocketException("Connection timed out")));
        assertEquals(new Failure(Origin.TIMEOUT, expected, true, false),
                FailureTable.classify(op, new ConnectException("Connection timed out")));
    }

    /**
     * Only the exception the operation threw is the timeout event: one found among the causes a library wrapped still
     * classifies the failure, and the failure is recorded as the exception it is.
     */
    @ParameterizedTest
    @EnumSource(value = Operation.class, names = {"READ", "WRITE", "SHUTDOWN"})
    void aWrappedTimeoutIsNoTimeoutEvent(Operation op) {
        assertTrue(FailureTable.classify(op, new SocketTimeoutException("Read timed out")).timeoutEvent());
        assertTrue(FailureTable.classify(op, new InterruptedByTimeoutException()).timeoutEvent());
        assertFalse(FailureTable.classify(op,
                new IOException("wrapper", new SocketTimeoutException("Read timed out"))).timeoutEvent());
        assertFalse(FailureTable.classify(op, new IOException(new InterruptedByTimeoutException())).timeoutEvent());
    }

    /** A timeout event that leaves the socket usable must not also end it, and one that ends it must say so. */
    @ParameterizedTest
    @EnumSource(value = Operation.class, names = {"READ", "WRITE", "SHUTDOWN"})
    void aTimeoutEventSaysWhetherTheConnectionGoesOn(Operation op) {
        assertFalse(FailureTable.classify(op, new SocketTimeoutException()).terminal(), "SO_TIMEOUT: usable");
        assertTrue(FailureTable.classify(op, new InterruptedByTimeoutException()).terminal(), "no further I/O");
    }

    static Stream<Throwable> operationIndependent() {
        return Stream.of(new SocketException("Connection reset"), new IOException("Connection reset by peer"),
                new IOException("Broken pipe"), new ConnectException("Connection refused"),
                new NoRouteToHostException("No route to host"), new SocketException("Network is unreachable"),
                new SocketException("Socket closed"), new SocketException("Socket is closed"),
                new SocketException("Closed by interrupt"), new ClosedByInterruptException(),
                new AsynchronousCloseException(), new ClosedChannelException(),
                new SocketException("Socket output is shutdown"), new InterruptedIOException(),
                new IOException("Something else"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("operationIndependent")
    void everythingElseIsTheSameForEveryOperation(Throwable failure) {
        Failure onRead = FailureTable.classify(Operation.READ, failure);
        for (Operation op : Operation.values()) {
            assertEquals(onRead, FailureTable.classify(op, failure), op.name());
        }
    }

    // ---- cause chains --------------------------------------------------------------------------------------------

    private static Throwable wrapped(Throwable inner, int wrappers) {
        Throwable t = inner;
        for (int i = 0; i < wrappers; i++) {
            t = new IOException("wrapper " + i, t);
        }
        return t;
    }

    @Test
    void looksFourThrowablesDeep() {
        // The thrown exception and three causes below it are examined; the JDK wraps at most once or twice.
        assertEquals(new Failure(Origin.PEER_RST, Reason.RESET, true, false),
                FailureTable.classify(Operation.READ, wrapped(new SocketException("Connection reset"), 3)));
        assertEquals(new Failure(Origin.UNKNOWN, Reason.OTHER, true, false),
                FailureTable.classify(Operation.READ, wrapped(new SocketException("Connection reset"), 4)));
        assertEquals(new Failure(Origin.UNKNOWN, Reason.OTHER, true, false),
                FailureTable.classify(Operation.READ, wrapped(new SocketException("Connection reset"), 50)));
    }

    /** A throwable whose getCause() returns itself, as some libraries' exceptions do. */
    private static final class SelfCaused extends IOException {
        SelfCaused(String message) {
            super(message);
        }

        @Override
        public synchronized Throwable getCause() {
            return this;
        }
    }

    @Test
    void selfReferencingCauseEnds() {
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            assertEquals(new Failure(Origin.UNKNOWN, Reason.OTHER, true, false),
                    FailureTable.classify(Operation.READ, new SelfCaused("loop")));
            assertEquals(new Failure(Origin.PEER_RST, Reason.RESET, true, false),
                    FailureTable.classify(Operation.READ, new SelfCaused("Connection reset")));
            assertEquals(new Failure(Origin.PEER_FIN, Reason.BROKEN_PIPE, true, false),
                    FailureTable.classify(Operation.WRITE, new IOException("wrapper", new SelfCaused("Broken pipe"))));
            assertEquals(new Failure(Origin.UNKNOWN, Reason.OTHER, true, false),
                    FailureTable.classify(Operation.WRITE, new IOException("wrapper", new SelfCaused("loop"))));
        });
    }

    @Test
    void causeCycleEnds() {
        IOException a = new IOException("a");
        IOException b = new IOException("b", a);
        a.initCause(b); // a -> b -> a -> ...
        assertSame(b, a.getCause());
        assertSame(a, b.getCause());
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            assertEquals(new Failure(Origin.UNKNOWN, Reason.OTHER, true, false), FailureTable.classify(Operation.READ, a));
            IOException reset = new IOException("Connection reset");
            IOException wrapper = new IOException("wrapper", reset);
            reset.initCause(wrapper);
            assertEquals(new Failure(Origin.PEER_RST, Reason.RESET, true, false),
                    FailureTable.classify(Operation.READ, wrapper));
        });
    }

    // ---- robustness ----------------------------------------------------------------------------------------------

    @Test
    void neverNull() {
        Failure f = FailureTable.classify(Operation.READ, null);
        assertNotNull(f);
        assertEquals(new Failure(Origin.UNKNOWN, Reason.OTHER, true, false), f);
        for (Operation op : Operation.values()) {
            assertNotNull(FailureTable.classify(op, new Throwable()));
        }
    }

    @Test
    void matchingDoesNotDependOnTheDefaultLocale() {
        // In a Turkish locale "I".toLowerCase() is a dotless i: "CLOSED BY INTERRUPT" must still match.
        Locale saved = Locale.getDefault();
        try {
            Locale.setDefault(Locale.forLanguageTag("tr-TR"));
            assertEquals(new Failure(Origin.LOCAL_CLOSE, Reason.INTERRUPT, true, false),
                    FailureTable.classify(Operation.READ, new SocketException("CLOSED BY INTERRUPT")));
            assertEquals(new Failure(Origin.PEER_FIN, Reason.BROKEN_PIPE, true, false),
                    FailureTable.classify(Operation.WRITE, new SocketException("BROKEN PIPE")));
            assertEquals(new Failure(Origin.LOCAL_CLOSE, Reason.SHUTDOWN_INPUT, true, false),
                    FailureTable.classify(Operation.READ, new SocketException("SOCKET INPUT IS SHUTDOWN")));
        } finally {
            Locale.setDefault(saved);
        }
    }

    @Test
    void theSameExceptionAlwaysGivesTheSameFailure() {
        SocketException reset = new SocketException("Connection reset");
        assertEquals(FailureTable.classify(Operation.READ, reset), FailureTable.classify(Operation.READ, reset));
        assertEquals("Connection reset", reset.getMessage()); // classification does not touch the exception
    }

    @Test
    void everyEndingOriginIsReachable() {
        EnumSet<Origin> seen = EnumSet.noneOf(Origin.class);
        rows().forEach(a -> seen.add((Origin) a.get()[3]));
        // LEAKED comes from the state machine, never from an exception; PEER_FIN mostly from an end of stream, and
        // from an exception only as a write's Broken pipe.
        assertEquals(EnumSet.complementOf(EnumSet.of(Origin.LEAKED)), seen);
    }
}
