package io.sockwatch.sample;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Requests that suffer a connection's ending, for the demo under the OpenTelemetry Java agent
 * ({@code ./demo.sh --otel-agent}): each scenario has a server of its own, so its spans are found by the server port.
 * Prints one line each: {@code traced=NAME server_port=P expect=ORIGIN request="..." outcome="..."}.
 */
final class TracedRequests {

    static final List<String> NAMES = List.of("http_reset", "http_stale", "db_reset");

    private TracedRequests() {
    }

    static boolean run(List<String> names, PrintStream out) throws Exception {
        boolean all = true;
        for (String name : names) {
            try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                Thread serving = new Thread(() -> serve(server), "traced-server");
                serving.setDaemon(true);
                serving.start();
                int port = server.getLocalPort();
                String[] line = switch (name) {
                    // the server resets the connection instead of answering
                    case "http_reset" -> new String[] {"peer_rst", "GET /reset", get(port, "/reset")};
                    // the second request goes out on the pooled connection the server closed while it was idle
                    case "http_stale" -> {
                        get(port, "/close-after");
                        Thread.sleep(400);
                        yield new String[] {"peer_fin", "GET /second", get(port, "/second")};
                    }
                    // the database side drops the session in the middle of a query
                    case "db_reset" -> {
                        try (DbLikeClient db = new DbLikeClient(port)) {
                            yield new String[] {"peer_rst", "DbLikeClient.query", db.query("RESET")};
                        } catch (IOException e) {
                            yield new String[] {"peer_rst", "DbLikeClient.query", e.toString()};
                        }
                    }
                    default -> throw new IllegalArgumentException("unknown traced scenario '" + name + "'");
                };
                out.println("traced=" + name + " server_port=" + port + " expect=" + line[0] + " request=\""
                        + line[1] + "\" outcome=\"" + line[2].replace('"', '\'') + "\"");
                out.flush();
            } catch (IllegalArgumentException e) {
                throw e;
            } catch (Exception e) {
                out.println("traced=" + name + " error=\"" + e + "\"");
                all = false;
            }
        }
        return all;
    }

    private static String get(int port, String path) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + port + path).openConnection();
        c.setReadTimeout(5000);
        try (InputStream in = c.getInputStream()) {
            return c.getResponseCode() + " " + new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static void serve(ServerSocket server) {
        while (true) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> answer(s), "traced-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    /** HTTP/1.1 keep-alive requests, or one database query line; {@code /reset} and {@code RESET} are reset. */
    private static void answer(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                String first = head.split("\r?\n")[0];
                if (first.equals("RESET") || first.startsWith("GET /reset ")) {
                    s.setSoLinger(true, 0);
                    return;
                }
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok"
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                if (first.startsWith("GET /close-after ")) {
                    Thread.sleep(150); // the server's keep-alive timeout
                    return;
                }
            }
        } catch (IOException | InterruptedException e) {
            // the client went away
        }
    }

    /** An HTTP request's head, or a query line; null at end of stream. */
    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        for (int b; (b = in.read()) != -1; ) {
            head.append((char) b);
            boolean http = head.length() >= 4 && head.charAt(0) == 'G';
            if (http ? head.toString().endsWith("\r\n\r\n") : b == '\n') {
                return head.toString().trim();
            }
        }
        return null;
    }
}
