package io.sockwatch.agent.classify;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Status ERROR: an error origin, or an ending the application got as an exception although the peer only left. */
class VerdictTest {

    @Test
    void aBrokenPipeIsThePeersEndingAndStillAnError() {
        assertTrue(new Verdict(Origin.PEER_FIN, Reason.BROKEN_PIPE, Operation.WRITE, "java.io.IOException").isError());
    }

    @Test
    void aCleanEndOfStreamIsNoError() {
        assertFalse(new Verdict(Origin.PEER_FIN, Reason.EOF, Operation.READ, null).isError());
        assertFalse(new Verdict(Origin.PEER_FIN, Reason.CLOSE_NOTIFY, Operation.READ, null).isError());
        assertFalse(new Verdict(Origin.LOCAL_CLOSE, Reason.CLOSE, Operation.CLOSE, null).isError());
    }

    @Test
    void aResetIsAnError() {
        assertTrue(new Verdict(Origin.PEER_RST, Reason.RESET, Operation.READ, "java.net.SocketException").isError());
    }
}
