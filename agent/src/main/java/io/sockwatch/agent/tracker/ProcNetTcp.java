package io.sockwatch.agent.tracker;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads the TCP state of a connection from {@code /proc/net/tcp6} and {@code /proc/net/tcp} (Linux; the process's
 * own network namespace). A line is {@code sl local_address rem_address st ...}, addresses as hex {@code ADDR:PORT}.
 * Matching on the two ports is enough on one host: the address check only guards against coincidences.
 *
 * <p>The cost grows with the number of sockets in the namespace (one line each); it is paid only when the
 * application closes a connection whose ending is still undecided, never on reads or writes.
 */
public final class ProcNetTcp implements TcpStateProbe {

    private static final String CLOSE_WAIT = "08";
    private static final Path TCP6 = Path.of("/proc/net/tcp6");
    private static final Path TCP = Path.of("/proc/net/tcp");

    /** The probe when {@code /proc/net/tcp} is readable, else {@link TcpStateProbe#NONE}. */
    public static TcpStateProbe ifAvailable() {
        return Files.isReadable(TCP) ? new ProcNetTcp() : NONE;
    }

    @Override
    public boolean peerClosed(InetSocketAddress local, InetSocketAddress peer) {
        if (local == null || peer == null || local.getPort() <= 0 || peer.getPort() <= 0) {
            return false;
        }
        // Java sockets are usually IPv6 sockets carrying IPv4-mapped addresses: look in tcp6 first.
        String state = find(TCP6, local.getPort(), peer.getPort());
        if (state == null) {
            state = find(TCP, local.getPort(), peer.getPort());
        }
        return CLOSE_WAIT.equals(state);
    }

    /** The state column of the line whose local and remote ports are these, or null. */
    static String find(Path table, int localPort, int peerPort) {
        String localSuffix = ":" + hexPort(localPort);
        String peerSuffix = ":" + hexPort(peerPort);
        try (BufferedReader in = Files.newBufferedReader(table, StandardCharsets.US_ASCII)) {
            in.readLine(); // header
            for (String line; (line = in.readLine()) != null; ) {
                String state = match(line, localSuffix, peerSuffix);
                if (state != null) {
                    return state;
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }

    /** Parses one line without splitting it into strings unless the ports match. */
    static String match(String line, String localSuffix, String peerSuffix) {
        int i = line.indexOf(':') + 1; // after "sl:"
        int localStart = skipSpaces(line, i);
        int localEnd = line.indexOf(' ', localStart);
        if (localEnd < 0 || !line.startsWith(localSuffix, localEnd - localSuffix.length())) {
            return null;
        }
        int remoteStart = skipSpaces(line, localEnd);
        int remoteEnd = line.indexOf(' ', remoteStart);
        if (remoteEnd < 0 || !line.startsWith(peerSuffix, remoteEnd - peerSuffix.length())) {
            return null;
        }
        int stateStart = skipSpaces(line, remoteEnd);
        return line.substring(stateStart, Math.min(line.length(), stateStart + 2));
    }

    private static int skipSpaces(String line, int from) {
        int i = from;
        while (i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        return i;
    }

    static String hexPort(int port) {
        return String.format(Locale.ROOT, "%04X", port);
    }
}
