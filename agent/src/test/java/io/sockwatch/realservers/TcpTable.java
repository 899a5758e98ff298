package io.sockwatch.realservers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The kernel's view of this host's TCP connections ({@code /proc/net/tcp}, and {@code /proc/net/tcp6} where Java's
 * dual-stack sockets are, IPv4 mapped), for the programs under test to wait
 * until a server's FIN or RST has arrived instead of sleeping for a guessed time. Reading a file touches no socket:
 * sockwatch sees nothing of it.
 */
final class TcpTable {

    static final String TIME_WAIT = "06";
    static final String CLOSE_WAIT = "08";
    private static final long PATIENCE_MILLIS = 15_000;

    private TcpTable() {
    }

    /**
     * The state (two hex digits) of the socket bound to {@code localPort} and connected to {@code remotePort}, or null
     * when the kernel has none (never made, or ended: closed, or reset). A TIME_WAIT entry is what remains of an
     * earlier connection on the same ports, not a socket.
     */
    static String state(int localPort, int remotePort) throws IOException {
        String local = String.format(Locale.ROOT, ":%04X", localPort);
        String remote = String.format(Locale.ROOT, ":%04X", remotePort);
        for (String[] f : entries()) {
            if (f.length > 3 && f[1].endsWith(local) && f[2].endsWith(remote) && !f[3].equals(TIME_WAIT)) {
                return f[3];
            }
        }
        return null;
    }

    /** Waits until the peer's FIN has arrived on a connection we have not read from since: CLOSE_WAIT. */
    static void awaitCloseWait(int localPort, int remotePort) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + PATIENCE_MILLIS;
        String state;
        while (!CLOSE_WAIT.equals(state = state(localPort, remotePort))) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException(localPort + "->" + remotePort + " never reached CLOSE_WAIT (state "
                        + state + ")");
            }
            Thread.sleep(10);
        }
    }

    /** Waits until the kernel has no such connection any more (a RST removes it at once). */
    static void awaitGone(int localPort, int remotePort) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + PATIENCE_MILLIS;
        while (state(localPort, remotePort) != null) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException(localPort + "->" + remotePort + " is still there");
            }
            Thread.sleep(10);
        }
    }

    /**
     * Waits until no socket connects to {@code remotePort} any more (a reset removes it at once). TIME_WAIT entries
     * are left over from earlier connections (the test's own readiness probes), not sockets.
     */
    static void awaitNoneTo(int remotePort) throws IOException, InterruptedException {
        String remote = String.format(Locale.ROOT, ":%04X", remotePort);
        long deadline = System.currentTimeMillis() + PATIENCE_MILLIS;
        while (entries().stream().anyMatch(f -> f.length > 3 && f[2].endsWith(remote) && !f[3].equals(TIME_WAIT))) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("a connection to " + remotePort + " is still there");
            }
            Thread.sleep(10);
        }
    }

    /** Every socket line of both tables, split into fields: sl, local_address, rem_address, st, ... */
    private static List<String[]> entries() throws IOException {
        List<String[]> all = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path file = Path.of(table);
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file)) {
                    all.add(line.trim().split("\\s+"));
                }
            }
        }
        return all;
    }

}
