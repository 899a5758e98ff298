package io.sockwatch.agent.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ProcNetTcpTest {

    @Test
    void parsesTheLinesTheKernelWrites() {
        String v6 = "   0: 0000000000000000FFFF00000100007F:A809 0000000000000000FFFF00000100007F:A644 08 "
                + "00000000:00000000 03:00000365 00000000     0        0 0 3 000000006ceae0a9";
        assertEquals("08", ProcNetTcp.match(v6, ":A809", ":A644"));
        assertNull(ProcNetTcp.match(v6, ":A644", ":A809"), "local and remote are not interchangeable");
        String v4 = "   0: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000 0 0 1524 1";
        assertEquals("01", ProcNetTcp.match(v4, ":1F90", ":C350"));
        assertNull(ProcNetTcp.match(v4, ":1F91", ":C350"));
        assertEquals("1F90", ProcNetTcp.hexPort(8080));
        assertEquals("0050", ProcNetTcp.hexPort(80));
    }

    @Test
    void seesCloseWaitOfARealConnection() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/net/tcp")), "Linux only");
        TcpStateProbe probe = ProcNetTcp.ifAvailable();
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
            InetSocketAddress local = (InetSocketAddress) client.getLocalSocketAddress();
            InetSocketAddress peer = (InetSocketAddress) client.getRemoteSocketAddress();
            Socket server = listener.accept();
            assertFalse(probe.peerClosed(local, peer), "established");
            server.close(); // FIN to the client, which does not read it
            long deadline = System.nanoTime() + 2_000_000_000L;
            boolean closeWait = false;
            while (!closeWait && System.nanoTime() < deadline) {
                closeWait = probe.peerClosed(local, peer);
                Thread.sleep(5);
            }
            assertTrue(closeWait, "the client end is in CLOSE_WAIT");
        }
    }
}
