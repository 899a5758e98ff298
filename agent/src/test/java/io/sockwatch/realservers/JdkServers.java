package io.sockwatch.realservers;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * JDK servers under the agent whose client, curl (no agent, not Java), gives up after 0.5 s and leaves before the
 * answer. Arguments: a port for the com.sun.net.httpserver server, two for ServerSocket servers.
 */
public final class JdkServers {

    private JdkServers() {
    }

    public static void main(String[] args) {
        Report.runThenExit(JdkServers::scenarios, args);
    }

    static void scenarios(String[] args) throws Exception {
        String curl = LocalDaemon.binary("curl", "curl", List.of()).toString();
        httpServerWritesAfterClientLeft(curl, Integer.parseInt(args[0]));
        serverSocketReadsAfterClientLeft(curl, Integer.parseInt(args[1]));
        serverSocketWritesOnceAfterClientLeft(curl, Integer.parseInt(args[2]));
    }

    /**
     * The handler answers only once curl has gone. The head goes out in a write of its own (the server flushes it
     * before a body this large), which curl's kernel answers with RST; the body's write fails: Broken pipe.
     */
    static void httpServerWritesAfterClientLeft(String curl, int port) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch clientGone = new CountDownLatch(1);
        CountDownLatch answered = new CountDownLatch(1);
        AtomicInteger peer = new AtomicInteger();
        AtomicReference<String> outcome = new AtomicReference<>("written");
        server.createContext("/", exchange -> {
            peer.set(exchange.getRemoteAddress().getPort());
            arrived.countDown();
            try {
                clientGone.await(20, TimeUnit.SECONDS);
                byte[] body = new byte[256 * 1024];
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            } catch (IOException e) {
                outcome.set(e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                exchange.close();
                answered.countDown();
            }
        });
        server.start();
        int exit = curl(curl, "-s", "-m", "0.5", "http://127.0.0.1:" + port + "/slow");
        if (!arrived.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("curl's request never reached the handler");
        }
        TcpTable.awaitCloseWait(port, peer.get()); // curl's FIN is in
        clientGone.countDown();
        answered.await(20, TimeUnit.SECONDS);
        server.stop(0);
        Report.connection("jdk_httpserver_client_left", "server", peer.get(), port, "curl_exit=" + exit,
                "outcome=" + outcome.get());
    }

    /** curl announces 1000 bytes of body, sends 3 and gives up; the server is still reading the body. */
    static void serverSocketReadsAfterClientLeft(String curl, int port) throws Exception {
        try (ServerSocket listener = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
            Process client = start(curl, "-s", "-m", "0.5", "-H", "Content-Length: 1000", "--data-binary", "abc",
                    "http://127.0.0.1:" + port + "/upload");
            long body = 0;
            int peer;
            try (Socket s = listener.accept()) {
                peer = s.getPort();
                InputStream in = s.getInputStream();
                readHead(in);
                byte[] buffer = new byte[1000];
                for (int n; body < 1000 && (n = in.read(buffer)) >= 0; ) {
                    body += n;
                }
            }
            int exit = client.waitFor(10, TimeUnit.SECONDS) ? client.exitValue() : -1;
            Report.connection("jdk_serversocket_client_left", "server", peer, port, "curl_exit=" + exit,
                    "body_read=" + body);
        }
    }

    /**
     * The server reads the request, and answers in one write once curl has gone. The write succeeds (the kernel
     * takes it); curl's kernel answers it with RST; then the server closes, reading nothing more.
     */
    static void serverSocketWritesOnceAfterClientLeft(String curl, int port) throws Exception {
        try (ServerSocket listener = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
            Process client = start(curl, "-s", "-m", "0.5", "http://127.0.0.1:" + port + "/slow");
            int peer;
            String outcome = "written";
            try (Socket s = listener.accept()) {
                peer = s.getPort();
                readHead(s.getInputStream());
                TcpTable.awaitCloseWait(port, peer); // curl's FIN is in
                try {
                    s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\ntoo late\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    TcpTable.awaitGone(port, peer); // curl's RST is in
                } catch (IOException e) {
                    outcome = e.getMessage();
                }
            }
            int exit = client.waitFor(10, TimeUnit.SECONDS) ? client.exitValue() : -1;
            Report.connection("jdk_serversocket_wrote_after_client_left", "server", peer, port,
                    "curl_exit=" + exit, "outcome=" + outcome);
        }
    }

    /** Reads up to the blank line that ends an HTTP request head. */
    private static void readHead(InputStream in) throws IOException {
        int matched = 0;
        for (int b; matched < 4 && (b = in.read()) >= 0; ) {
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
        }
    }

    private static Process start(String curl, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(curl));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static int curl(String curl, String... args) throws IOException, InterruptedException {
        Process p = start(curl, args);
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }
}
