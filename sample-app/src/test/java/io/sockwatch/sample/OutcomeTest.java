package io.sockwatch.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OutcomeTest {

    @Test
    void printsOneLineOfFieldsWithFreeTextQuoted() {
        Outcome o = new Outcome("peer_crash", 51234, 40001, "peer_rst", "local_close", Outcome.SOCKET,
                Outcome.SOCKET, "SocketException: Connection reset", "closed with \"SO_LINGER\" 0\nat once", null);
        assertEquals("scenario=peer_crash client_port=51234 server_port=40001 expect_client=peer_rst"
                + " expect_server=local_close client_api=java.net.Socket server_api=java.net.Socket"
                + " client_saw=\"SocketException: Connection reset\" server_saw=\"closed with 'SO_LINGER' 0 at once\"",
                o.line());
        assertTrue(o.reproduced());
    }

    @Test
    void aMissingSideIsADash() {
        Outcome o = new Outcome("refused", -1, 38447, "peer_rst", null, Outcome.SOCKET, null,
                "ConnectException: Connection refused", "nobody listens", null);
        assertTrue(o.line().startsWith("scenario=refused client_port=- server_port=38447 expect_client=peer_rst"
                + " expect_server=- client_api=java.net.Socket server_api=-"), o.line());
    }

    @Test
    void aFailureCarriesItsReasonLast() {
        Outcome o = new Outcome("leaked", 1, 2, "leaked", "peer_fin", Outcome.SOCKET, Outcome.SOCKET, "x", "y", null)
                .failed("the socket was never collected");
        assertFalse(o.reproduced());
        assertTrue(o.line().endsWith(" error=\"the socket was never collected\""), o.line());
    }

    @Test
    void safeWordsAreBare() {
        assertEquals("java.nio.channels.SocketChannel", Outcome.value("java.nio.channels.SocketChannel"));
        assertEquals("\"\"", Outcome.value(""));
        assertEquals("\"a b\"", Outcome.value("a  b"));
        assertEquals("\"a=b\"", Outcome.value("a=b"));
    }
}
