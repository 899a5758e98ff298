package io.sockwatch.sample;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one scenario did, printed as one line of {@code key=value} fields that a script can pair with spans:
 * the client's local port (the client span's {@code network.local.port}, and the server span's
 * {@code network.peer.port}), the server's port, and the origin each side should report.
 *
 * <p>Values without spaces are printed bare; free text ({@code client_saw}, {@code server_saw}, {@code error}) is
 * double-quoted with no quote inside, so {@code shlex.split} in Python reads the line back.
 * A side that has no connection (the server of a refused connect) has {@code -} for its port, origin and API.
 */
public record Outcome(
        String scenario,
        int clientPort,
        int serverPort,
        String expectClient,
        String expectServer,
        String clientApi,
        String serverApi,
        String clientSaw,
        String serverSaw,
        String error) {

    public static final String SOCKET = "java.net.Socket";
    public static final String CHANNEL = "java.nio.channels.SocketChannel";
    public static final String NONE = "-";

    /** True when the scenario reproduced what it is about (its own check, independent of any agent). */
    public boolean reproduced() {
        return error == null;
    }

    public Outcome failed(String why) {
        return new Outcome(scenario, clientPort, serverPort, expectClient, expectServer, clientApi, serverApi,
                clientSaw, serverSaw, why);
    }

    /** The fields in print order. */
    public Map<String, String> fields() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("scenario", scenario);
        f.put("client_port", clientPort > 0 ? Integer.toString(clientPort) : NONE);
        f.put("server_port", serverPort > 0 ? Integer.toString(serverPort) : NONE);
        f.put("expect_client", orNone(expectClient));
        f.put("expect_server", orNone(expectServer));
        f.put("client_api", orNone(clientApi));
        f.put("server_api", orNone(serverApi));
        f.put("client_saw", clientSaw);
        f.put("server_saw", serverSaw);
        f.put("error", error);
        return f;
    }

    /** One line: {@code scenario=peer_crash client_port=51234 server_port=40001 expect_client=peer_rst ...}. */
    public String line() {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, String> e : fields().entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(e.getKey()).append('=').append(value(e.getValue()));
        }
        return b.toString();
    }

    private static String orNone(String s) {
        return s == null ? NONE : s;
    }

    /** Bare when it is one safe word, else double-quoted with quotes and backslashes removed and one line. */
    static String value(String s) {
        if (!s.isEmpty() && s.chars().allMatch(c -> Character.isLetterOrDigit(c) || "._-:/".indexOf(c) >= 0)) {
            return s;
        }
        String clean = s.replace('"', '\'').replace('\\', '/').replaceAll("\\s+", " ").strip();
        return '"' + clean + '"';
    }
}
