package io.sockwatch.agent.tracker;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which side opened a socket first seen mid-life: the kernel's table of TCP sockets (/proc/net/tcp and tcp6) lists
 * the listening ones; a connection whose local port one of them holds was accepted (SERVER), any other was
 * connected (CLIENT). Read at most once a second, only when a socket is taken up mid-life.
 */
final class ListeningPorts {

    private static final long REFRESH_NANOS = 1_000_000_000L;
    private static final String LISTEN = "0A";
    private static final List<Path> TABLES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));

    private Set<Integer> ports;
    private long readAt;

    /** SERVER, CLIENT, or UNKNOWN when the table cannot be read or the socket has no TCP port. */
    synchronized Role roleOf(SocketAddress local) {
        if (!(local instanceof InetSocketAddress isa) || isa.getPort() == 0) {
            return Role.UNKNOWN;
        }
        long now = System.nanoTime();
        if (readAt == 0 || now - readAt > REFRESH_NANOS) {
            ports = read();
            readAt = now;
        }
        if (ports == null) {
            return Role.UNKNOWN; // not Linux: cannot tell
        }
        return ports.contains(isa.getPort()) ? Role.SERVER : Role.CLIENT;
    }

    /** The listening ports, or null when no table could be read. */
    private static Set<Integer> read() {
        Set<Integer> listening = null;
        for (Path table : TABLES) {
            try {
                List<String> lines = Files.readAllLines(table);
                listening = listening == null ? new HashSet<>() : listening;
                for (String line : lines) {
                    listening.addAll(parse(line));
                }
            } catch (IOException | RuntimeException e) {
                // no IPv6, or not Linux: what was read stands
            }
        }
        return listening;
    }

    /** One line of /proc/net/tcp: "sl local_address rem_address st ...", addresses as HEXIP:HEXPORT. */
    static Set<Integer> parse(String line) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 4 || !LISTEN.equals(f[3])) {
            return Set.of();
        }
        int colon = f[1].lastIndexOf(':');
        try {
            return Set.of(Integer.parseInt(f[1].substring(colon + 1), 16));
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            return Set.of();
        }
    }
}
