package io.sockwatch.agent.classify;

import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.InterruptedByTimeoutException;
import java.util.List;
import java.util.Locale;

/**
 * The one place that reads socket exceptions, as the JDK throws them on Linux: their origin and reason, whether they
 * end the connection, and whether they are a timeout event ({@link Failure}). Nothing else looks at an exception's
 * type or message.
 *
 * <p>Messages come from two sources: the JDK's own texts ("Socket closed", "Read timed out") and the C library's
 * strerror texts for the errno of the failed system call ("Connection reset by peer", "Broken pipe"), which
 * NioSocketImpl and SocketChannelImpl pass through. Some JDK settings append host information
 * ({@code jdk.includeInExceptions=hostInfo}), so messages are matched by prefix-insensitive containment.
 */
public final class FailureTable {

    private record MessageRule(String fragment, Failure failure) {
    }

    /** Ordered: the first fragment contained in the message wins, so longer, more specific texts come first. */
    private static final List<MessageRule> MESSAGES = List.of(
            rule("connection reset by peer", Origin.PEER_RST, Reason.RESET),   // ECONNRESET on write / channel read
            rule("connection reset", Origin.PEER_RST, Reason.RESET),           // NioSocketImpl read after ECONNRESET
            rule("broken pipe", Origin.PEER_FIN, Reason.BROKEN_PIPE),          // EPIPE: its RST came after its FIN
            rule("connection refused", Origin.PEER_RST, Reason.REFUSED),       // ECONNREFUSED: RST answered our SYN
            rule("connect timed out", Origin.TIMEOUT, Reason.CONNECT_TIMEOUT), // JDK: connect deadline
            rule("no route to host", Origin.UNREACHABLE, Reason.NO_ROUTE),     // EHOSTUNREACH (Linux wording)
            rule("host is unreachable", Origin.UNREACHABLE, Reason.NO_ROUTE),  // EHOSTUNREACH (BSD wording)
            rule("network is unreachable", Origin.UNREACHABLE, Reason.NETWORK_UNREACHABLE), // ENETUNREACH
            rule("closed by interrupt", Origin.LOCAL_CLOSE, Reason.INTERRUPT), // NioSocketImpl, virtual threads
            rule("socket closed", Origin.LOCAL_CLOSE, Reason.CLOSE),           // use of a socket we closed
            rule("socket is closed", Origin.LOCAL_CLOSE, Reason.CLOSE),        // java.net.Socket state checks
            rule("socket output is shutdown", Origin.LOCAL_CLOSE, Reason.SHUTDOWN_OUTPUT),
            rule("socket output is already shutdown", Origin.LOCAL_CLOSE, Reason.SHUTDOWN_OUTPUT),
            rule("socket input is shutdown", Origin.LOCAL_CLOSE, Reason.SHUTDOWN_INPUT),
            rule("socket input is already shutdown", Origin.LOCAL_CLOSE, Reason.SHUTDOWN_INPUT));

    /** How deep to look into wrapped causes; the JDK wraps at most once or twice on these paths. */
    private static final int MAX_CAUSE_DEPTH = 4;

    private FailureTable() {
    }

    private static MessageRule rule(String fragment, Origin origin, Reason reason) {
        return new MessageRule(fragment, Failure.ending(origin, reason));
    }

    static final int EPIPE = 32;
    static final int ENETUNREACH = 101;
    static final int ECONNRESET = 104;
    static final int ETIMEDOUT = 110;
    static final int ECONNREFUSED = 111;
    static final int EHOSTUNREACH = 113;

    /**
     * Classifies a failure of {@code operation} that carries the kernel's {@code errno} (0 when it carries none).
     * A known errno decides; any other number, or none, leaves the exception to {@link #classify(Operation,
     * Throwable)}.
     */
    public static Failure classify(Operation operation, Throwable failure, int errno) {
        Failure known = byErrno(operation, errno);
        return known != null ? known : classify(operation, failure);
    }

    /** What each errno means for a connection, as the JDK paths' strerror texts in {@code MESSAGES} say. */
    static Failure byErrno(Operation operation, int errno) {
        return switch (errno) {
            case ECONNRESET -> Failure.ending(Origin.PEER_RST, Reason.RESET);
            case EPIPE -> Failure.ending(Origin.PEER_FIN, Reason.BROKEN_PIPE);
            case ECONNREFUSED -> Failure.ending(Origin.PEER_RST, Reason.REFUSED);
            case ETIMEDOUT -> operation == Operation.CONNECT
                    ? Failure.ending(Origin.TIMEOUT, Reason.CONNECT_TIMEOUT)
                    : Failure.ending(Origin.TIMEOUT, Reason.KEEPALIVE_TIMEOUT);
            case EHOSTUNREACH -> Failure.ending(Origin.UNREACHABLE, Reason.NO_ROUTE);
            case ENETUNREACH -> Failure.ending(Origin.UNREACHABLE, Reason.NETWORK_UNREACHABLE);
            default -> null;
        };
    }

    /**
     * Classifies a failure of {@code operation}. Never returns null: what no rule knows is
     * {@link Origin#UNKNOWN}/{@link Reason#OTHER}.
     */
    public static Failure classify(Operation operation, Throwable failure) {
        Failure f = byRules(operation, failure);
        return isTimeoutEvent(operation, failure) ? f.reportedAsTimeout() : f;
    }

    /**
     * The contract reports each timeout of a read, write or shutdown as a {@code socket.timeout} event: the thrown
     * exception itself, not a cause a library wrapped, is the timeout. A connect's timeout is its ending and an
     * accept's is routine polling: neither is an event.
     */
    private static boolean isTimeoutEvent(Operation operation, Throwable failure) {
        boolean onConnection = switch (operation) {
            case READ, WRITE, SHUTDOWN -> true;
            default -> false;
        };
        return onConnection
                && (failure instanceof SocketTimeoutException || failure instanceof InterruptedByTimeoutException);
    }

    private static Failure byRules(Operation operation, Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < MAX_CAUSE_DEPTH; depth++, t = t.getCause()) {
            Failure known = byType(operation, t);
            if (known == null) {
                known = byMessage(operation, t.getMessage());
            }
            if (known != null) {
                return known;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        if (failure instanceof ConnectException) {
            // A ConnectException with an unfamiliar message is still, by its contract, a refusal.
            return Failure.ending(Origin.PEER_RST, Reason.REFUSED);
        }
        return Failure.ending(Origin.UNKNOWN, Reason.OTHER);
    }

    private static Failure byType(Operation operation, Throwable t) {
        if (t instanceof SocketTimeoutException) {
            return switch (operation) {
                case CONNECT -> Failure.ending(Origin.TIMEOUT, Reason.CONNECT_TIMEOUT);
                // A read timeout on a classic socket leaves it open: only the close that follows decides.
                case READ -> new Failure(Origin.TIMEOUT, Reason.READ_TIMEOUT, false, false);
                // An accept timeout ends no connection.
                default -> new Failure(Origin.TIMEOUT, Reason.OTHER, false, false);
            };
        }
        if (t instanceof InterruptedByTimeoutException) {
            // An AsynchronousSocketChannel read or write that timed out: the JDK refuses every further one in that
            // direction, so unlike a socket read timeout the connection cannot go on. There is no write_timeout
            // reason in the contract: a write that timed out is timeout/other.
            return Failure.ending(Origin.TIMEOUT, operation == Operation.READ ? Reason.READ_TIMEOUT : Reason.OTHER);
        }
        if (t instanceof NoRouteToHostException) {
            return Failure.ending(Origin.UNREACHABLE, Reason.NO_ROUTE);
        }
        if (t instanceof ClosedByInterruptException) {
            return Failure.ending(Origin.LOCAL_CLOSE, Reason.INTERRUPT);
        }
        if (t instanceof AsynchronousCloseException) {
            return Failure.ending(Origin.LOCAL_CLOSE, Reason.ASYNC_CLOSE);
        }
        if (t instanceof ClosedChannelException) {
            return Failure.ending(Origin.LOCAL_CLOSE, Reason.CLOSE);
        }
        if (t instanceof InterruptedIOException && !hasMessage(t)) {
            return Failure.ending(Origin.LOCAL_CLOSE, Reason.INTERRUPT);
        }
        return null;
    }

    private static boolean hasMessage(Throwable t) {
        return t.getMessage() != null && !t.getMessage().isEmpty();
    }

    private static Failure byMessage(Operation operation, String message) {
        if (message == null) {
            return null;
        }
        String text = message.toLowerCase(Locale.ROOT);
        if (text.contains("connection timed out")) {
            // ETIMEDOUT: on connect the SYN went unanswered; later, keepalive probes or retransmissions gave up.
            return operation == Operation.CONNECT
                    ? Failure.ending(Origin.TIMEOUT, Reason.CONNECT_TIMEOUT)
                    : Failure.ending(Origin.TIMEOUT, Reason.KEEPALIVE_TIMEOUT);
        }
        for (MessageRule rule : MESSAGES) {
            if (text.contains(rule.fragment())) {
                return rule.failure();
            }
        }
        return null;
    }
}
