package io.sockwatch.agent.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The errno rows: what a native library's failure means when it carries the kernel's errno (Netty's
 * {@code NativeIoException}), decided by the number whatever the message says. Values from Linux's
 * asm-generic/errno.h and errno-base.h.
 */
class FailureTableErrnoTest {

    static Stream<Arguments> errnoRows() {
        return Stream.of(
                Arguments.of(Operation.READ, 104, Origin.PEER_RST, Reason.RESET),          // ECONNRESET
                Arguments.of(Operation.WRITE, 104, Origin.PEER_RST, Reason.RESET),
                Arguments.of(Operation.WRITE, 32, Origin.PEER_FIN, Reason.BROKEN_PIPE),    // EPIPE
                Arguments.of(Operation.CONNECT, 111, Origin.PEER_RST, Reason.REFUSED),     // ECONNREFUSED
                Arguments.of(Operation.CONNECT, 110, Origin.TIMEOUT, Reason.CONNECT_TIMEOUT), // ETIMEDOUT
                Arguments.of(Operation.READ, 110, Origin.TIMEOUT, Reason.KEEPALIVE_TIMEOUT),
                Arguments.of(Operation.CONNECT, 113, Origin.UNREACHABLE, Reason.NO_ROUTE),  // EHOSTUNREACH
                Arguments.of(Operation.CONNECT, 101, Origin.UNREACHABLE, Reason.NETWORK_UNREACHABLE)); // ENETUNREACH
    }

    @ParameterizedTest
    @MethodSource("errnoRows")
    void theErrnoDecidesWhateverTheMessageSays(Operation operation, int errno, Origin origin, Reason reason) {
        // A message that would mean something else by itself: the number wins.
        Failure f = FailureTable.classify(operation, new IOException("recvAddress(..) failed: Broken pipe"), errno);
        assertEquals(origin, f.origin());
        assertEquals(reason, f.reason());
        assertTrue(f.terminal());
    }

    @Test
    void noErrnoOrAnUnknownOneLeavesItToTheMessage() {
        IOException reset = new IOException("sendAddress(..) failed: Connection reset by peer");
        assertEquals(Origin.PEER_RST, FailureTable.classify(Operation.WRITE, reset, 0).origin());
        Failure unknownErrno = FailureTable.classify(Operation.WRITE, reset, 9999);
        assertEquals(Origin.PEER_RST, unknownErrno.origin());
        assertEquals(Reason.RESET, unknownErrno.reason());
        assertEquals(Origin.UNKNOWN, FailureTable.classify(Operation.READ, new IOException("odd"), 5).origin());
    }

    @Test
    void theConstantsAreLinuxs() {
        assertEquals(32, FailureTable.EPIPE);
        assertEquals(101, FailureTable.ENETUNREACH);
        assertEquals(104, FailureTable.ECONNRESET);
        assertEquals(110, FailureTable.ETIMEDOUT);
        assertEquals(111, FailureTable.ECONNREFUSED);
        assertEquals(113, FailureTable.EHOSTUNREACH);
    }
}
