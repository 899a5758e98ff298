package io.sockwatch.agent.tracker;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Peers whose connections are not tracked: {@code host}, {@code host:port}, {@code ip}, {@code ip:port},
 * {@code [ipv6]:port}, {@code cidr}, {@code cidr:port} (IPv6 CIDR in brackets for a port) and {@code *:port}.
 * Host names match the name the application connected to, and every address they resolved to at startup.
 */
public final class PeerFilter {

    private record Rule(String host, byte[] network, int prefixBits, int port) {
        boolean matches(String requestedHost, InetAddress address, int peerPort) {
            if (port >= 0 && port != peerPort) {
                return false;
            }
            if (host == null && network == null) {
                return true; // *:port
            }
            if (host != null && host.equalsIgnoreCase(requestedHost)) {
                return true;
            }
            return network != null && address != null && inNetwork(address.getAddress());
        }

        private boolean inNetwork(byte[] candidate) {
            if (candidate.length != network.length) {
                return false;
            }
            int full = prefixBits / 8;
            for (int i = 0; i < full; i++) {
                if (candidate[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefixBits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (candidate[full] & mask) == (network[full] & mask);
        }
    }

    private static final PeerFilter NONE = new PeerFilter(List.of());

    private final List<Rule> rules;

    private PeerFilter(List<Rule> rules) {
        this.rules = rules;
    }

    /**
     * Parses the entries; an entry that cannot be parsed is reported to {@code problems} with what is accepted,
     * and skipped.
     */
    public static PeerFilter parse(List<String> entries, List<String> problems) {
        List<Rule> rules = new ArrayList<>();
        for (String raw : entries) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            try {
                rules.addAll(parseEntry(entry));
            } catch (IllegalArgumentException | UnknownHostException e) {
                problems.add("'" + entry + "' (" + e.getMessage() + ")");
            }
        }
        return rules.isEmpty() ? NONE : new PeerFilter(List.copyOf(rules));
    }

    /** Adds the endpoint as an exact host:port rule (used for the agent's own exporter endpoints). */
    public PeerFilter plus(String host, int port) {
        List<Rule> more = new ArrayList<>(rules);
        more.add(new Rule(host, null, 0, port));
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) {
                more.add(new Rule(null, a.getAddress(), a.getAddress().length * 8, port));
            }
        } catch (UnknownHostException | SecurityException ignored) {
            // The name rule still matches connections made by that name.
        }
        return new PeerFilter(List.copyOf(more));
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }

    /** Whether a connection to {@code address} (may be null when unresolved) or {@code requestedHost} is excluded. */
    public boolean excludes(String requestedHost, InetAddress address, int port) {
        if (rules.isEmpty() || (address == null && requestedHost == null)) {
            return false;
        }
        for (Rule r : rules) {
            if (r.matches(requestedHost, address, port)) {
                return true;
            }
        }
        return false;
    }

    private static List<Rule> parseEntry(String entry) throws UnknownHostException {
        String hostPart = entry;
        int port = -1;
        if (entry.startsWith("[")) {
            int close = entry.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("missing ']'");
            }
            hostPart = entry.substring(1, close);
            String rest = entry.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new IllegalArgumentException("expected ':port' after ']'");
                }
                port = parsePort(rest.substring(1));
            }
        } else if (entry.indexOf(':') == entry.lastIndexOf(':') && entry.indexOf(':') >= 0) {
            // exactly one colon: host:port (a bare IPv6 address has several)
            int colon = entry.indexOf(':');
            hostPart = entry.substring(0, colon);
            port = parsePort(entry.substring(colon + 1));
        }
        if (hostPart.equals("*")) {
            if (port < 0) {
                throw new IllegalArgumentException("'*' needs a port, as in *:5432");
            }
            return List.of(new Rule(null, null, 0, port));
        }
        int slash = hostPart.indexOf('/');
        if (slash >= 0) {
            byte[] network = literal(hostPart.substring(0, slash));
            int bits;
            try {
                bits = Integer.parseInt(hostPart.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("prefix length is not a number");
            }
            if (bits < 0 || bits > network.length * 8) {
                throw new IllegalArgumentException("prefix length must be 0 to " + network.length * 8);
            }
            return List.of(new Rule(null, network, bits, port));
        }
        if (isLiteral(hostPart)) {
            byte[] address = literal(hostPart);
            return List.of(new Rule(null, address, address.length * 8, port));
        }
        if (hostPart.isEmpty()) {
            throw new IllegalArgumentException("empty host");
        }
        List<Rule> rules = new ArrayList<>();
        rules.add(new Rule(hostPart.toLowerCase(Locale.ROOT), null, 0, port));
        try {
            for (InetAddress a : InetAddress.getAllByName(hostPart)) {
                rules.add(new Rule(null, a.getAddress(), a.getAddress().length * 8, port));
            }
        } catch (UnknownHostException ignored) {
            // Unresolvable now: the name still matches connections made by that name.
        }
        return rules;
    }

    private static int parsePort(String text) {
        try {
            int port = Integer.parseInt(text.trim());
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0 to 65535");
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port is not a number");
        }
    }

    private static boolean isLiteral(String host) {
        return host.contains(":") || host.chars().allMatch(c -> c == '.' || Character.isDigit(c));
    }

    private static byte[] literal(String host) throws UnknownHostException {
        if (!isLiteral(host) || host.isEmpty()) {
            throw new IllegalArgumentException("not an IP address");
        }
        // A literal never triggers a DNS look-up.
        return InetAddress.getByName(host).getAddress();
    }
}
