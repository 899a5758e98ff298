package io.sockwatch.sample;

import static io.sockwatch.sample.Outcome.CHANNEL;
import static io.sockwatch.sample.Outcome.SOCKET;
import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.ref.WeakReference;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The scenarios: each opens its own loopback connection (client and server in this process), ends it the way
 * real applications end connections, checks that it really happened that way, and reports the two ports and
 * the origin each side should be given.
 *
 * <p>The expected origins are what the kernel did, read with the telemetry contract (docs/telemetry.md):
 * the side that sent the first FIN or RST ended the connection.
 */
public final class Scenarios {

    /** Read timeout of the read_timeout scenario. */
    static final int READ_TIMEOUT_MS = 200;
    /** Keep-alive timeout of the HTTP server in the idle_timeout scenario. */
    static final int KEEP_ALIVE_TIMEOUT_MS = 300;

    private static final byte[] REQUEST = "GET /orders HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(US_ASCII);

    private Scenarios() {
    }

    public static List<Scenario> all() {
        return List.of(
                new Scenario("client_close", "the client sends a request and closes; the server reads to end of "
                        + "stream (client FIN first)", true, Scenarios::clientClose),
                new Scenario("server_close", "the server sends a greeting and closes; the client reads to end of "
                        + "stream (server FIN first)", true, Scenarios::serverClose),
                new Scenario("goodbye", "the client says QUIT, the server answers and closes on it (server FIN "
                        + "first), the client reads the answer and closes: the client's goodbye (contract v2)", true,
                        Scenarios::goodbye),
                new Scenario("peer_crash", "the server aborts the connection, as a crashing or overloaded peer "
                        + "does: SO_LINGER 0, RST and no FIN, while the client waits for a response", true,
                        Scenarios::peerCrash),
                new Scenario("unread_input", "an NIO server (ServerSocketChannel) closes with the client's "
                        + "request unread: its kernel answers with RST, the client's read gets a reset", true,
                        Scenarios::unreadInput),
                new Scenario("broken_pipe", "the server reads the request and closes; the client keeps writing "
                        + "until Broken pipe", true, Scenarios::brokenPipe),
                new Scenario("read_timeout", "the server never answers; the client's read times out after "
                        + READ_TIMEOUT_MS + " ms and it closes", true, Scenarios::readTimeout),
                new Scenario("idle_timeout", "a keep-alive HTTP/1.1 client reuses its pooled connection after the "
                        + "server's " + KEEP_ALIVE_TIMEOUT_MS + " ms keep-alive timeout closed it: no response",
                        true, Scenarios::idleTimeout),
                new Scenario("refused", "connect to a loopback port nobody listens on: Connection refused", true,
                        Scenarios::refused),
                new Scenario("use_after_close", "the client closes its socket, then reads from it: Socket closed",
                        true, Scenarios::useAfterClose),
                new Scenario("leaked", "the client drops a connected socket without close(); the garbage "
                        + "collector finds it and the JDK closes its descriptor", true, Scenarios::leaked),
                new Scenario("nio", "non-blocking SocketChannel client with a Selector against a "
                        + "ServerSocketChannel server that answers and closes (server FIN first)", true,
                        Scenarios::nio));
    }

    public static Optional<Scenario> named(String name) {
        return all().stream().filter(s -> s.name().equals(name)).findFirst();
    }

    // --- java.net.Socket on both sides --------------------------------------------------------------------

    static Outcome clientClose() throws Exception {
        try (ServerThread server = new ServerThread("client_close", s -> {
            try (s) {
                long n = Loopback.readToEof(s.getInputStream());
                return "end of stream after " + n + " bytes, then closed";
            }
        })) {
            int clientPort;
            try (Socket client = Loopback.connect(server.port())) {
                clientPort = client.getLocalPort();
                client.getOutputStream().write(REQUEST);
            } // the client closes first: its FIN
            String serverSaw = server.await();
            return new Outcome("client_close", clientPort, server.port(), "local_close", "peer_fin", SOCKET, SOCKET,
                    "wrote a request and closed", serverSaw, null);
        }
    }

    /**
     * A protocol goodbye, as Redis' QUIT or SMTP's: the server's FIN is the first on the wire, but it answers the
     * client's last write, and the client's close within the idle threshold makes the ending the client's.
     */
    static Outcome goodbye() throws Exception {
        byte[] answer = "+OK\r\n".getBytes(US_ASCII);
        try (ServerThread server = new ServerThread("goodbye", s -> {
            try (s) {
                byte[] quit = s.getInputStream().readNBytes(6);
                s.getOutputStream().write(answer);
                return "read " + new String(quit, US_ASCII).trim() + ", answered +OK and closed";
            } // the server closes on the goodbye: its FIN first
        })) {
            int clientPort;
            String clientSaw;
            String serverSaw;
            try (Socket client = Loopback.connect(server.port())) {
                clientPort = client.getLocalPort();
                client.getOutputStream().write("QUIT\r\n".getBytes(US_ASCII));
                byte[] got = client.getInputStream().readNBytes(answer.length);
                serverSaw = server.await(); // the server has closed: its FIN is here, unread
                clientSaw = "wrote QUIT, read " + new String(got, US_ASCII).trim() + ", closed without reading on";
            }
            return new Outcome("goodbye", clientPort, server.port(), "local_close", "local_close", SOCKET, SOCKET,
                    clientSaw, serverSaw, null);
        }
    }

    static Outcome serverClose() throws Exception {
        byte[] greeting = "220 ready, bye\r\n".getBytes(US_ASCII);
        try (ServerThread server = new ServerThread("server_close", s -> {
            try (s) {
                s.getOutputStream().write(greeting);
            } // the server closes first: its FIN
            return "wrote a greeting and closed";
        })) {
            int clientPort;
            long n;
            try (Socket client = Loopback.connect(server.port())) {
                clientPort = client.getLocalPort();
                n = Loopback.readToEof(client.getInputStream());
            }
            String serverSaw = server.await();
            Outcome o = new Outcome("server_close", clientPort, server.port(), "peer_fin", "local_close", SOCKET,
                    SOCKET, "end of stream after " + n + " bytes, then closed", serverSaw, null);
            return n == greeting.length ? o : o.failed("read " + n + " bytes, expected " + greeting.length);
        }
    }

    static Outcome peerCrash() throws Exception {
        try (ServerThread server = new ServerThread("peer_crash", s -> {
            s.getInputStream().readNBytes(REQUEST.length);
            s.setSoLinger(true, 0);
            s.close(); // abortive close: RST, no FIN
            return "read the request, closed with SO_LINGER 0 (RST)";
        })) {
            try (Socket client = Loopback.connect(server.port())) {
                int clientPort = client.getLocalPort();
                client.getOutputStream().write(REQUEST);
                String clientSaw = readExpectingReset(client.getInputStream());
                Outcome o = new Outcome("peer_crash", clientPort, server.port(), "peer_rst", "local_close", SOCKET,
                        SOCKET, clientSaw + ", then closed", server.await(), null);
                return clientSaw.contains("reset") ? o : o.failed("expected a connection reset");
            }
        }
    }

    static Outcome brokenPipe() throws Exception {
        try (ServerThread server = new ServerThread("broken_pipe", s -> {
            try (s) {
                s.getInputStream().readNBytes(REQUEST.length);
            } // everything read, so a plain FIN
            return "read the request and closed";
        })) {
            try (Socket client = Loopback.connect(server.port())) {
                int clientPort = client.getLocalPort();
                OutputStream out = client.getOutputStream();
                out.write(REQUEST);
                String serverSaw = server.await(); // the server has closed: its FIN is here
                String clientSaw = null;
                int written = 0;
                byte[] chunk = new byte[1024];
                while (clientSaw == null && written < 200) {
                    try {
                        out.write(chunk); // the first lands in a closed socket, whose kernel answers with RST
                        written++;
                        Thread.sleep(5);
                    } catch (IOException e) {
                        clientSaw = Loopback.describe(e);
                    }
                }
                // The server's FIN came first; its RST only answered our write: the peer's ending (peer_fin).
                Outcome o = new Outcome("broken_pipe", clientPort, server.port(), "peer_fin", "local_close",
                        SOCKET, SOCKET, "wrote " + written + " more KiB, then " + clientSaw + ", then closed",
                        serverSaw, null);
                return clientSaw != null && clientSaw.contains("Broken pipe") ? o : o.failed("expected Broken pipe");
            }
        }
    }

    static Outcome readTimeout() throws Exception {
        try (ServerThread server = new ServerThread("read_timeout", s -> {
            try (s) {
                long n = Loopback.readToEof(s.getInputStream()); // never answers
                return "never answered; end of stream after " + n + " bytes, then closed";
            }
        })) {
            int clientPort;
            String clientSaw;
            try (Socket client = Loopback.connect(server.port())) {
                clientPort = client.getLocalPort();
                client.setSoTimeout(READ_TIMEOUT_MS);
                client.getOutputStream().write(REQUEST);
                try {
                    int b = client.getInputStream().read();
                    clientSaw = "read returned " + b;
                } catch (SocketTimeoutException e) {
                    clientSaw = Loopback.describe(e) + " (" + READ_TIMEOUT_MS + " ms), then closed";
                }
            }
            Outcome o = new Outcome("read_timeout", clientPort, server.port(), "timeout", "peer_fin", SOCKET,
                    SOCKET, clientSaw, server.await(), null);
            return clientSaw.contains("SocketTimeoutException") ? o : o.failed("expected a read timeout");
        }
    }

    static Outcome idleTimeout() throws Exception {
        try (IdleTimeoutHttpServer server = new IdleTimeoutHttpServer(KEEP_ALIVE_TIMEOUT_MS);
             KeepAliveHttpClient client = new KeepAliveHttpClient(server.port())) {
            int clientPort = client.localPort();
            KeepAliveHttpClient.Response first = client.get("/first");
            // the connection sits in the "pool" longer than the server's keep-alive timeout
            String ending = server.awaitEnd(clientPort);
            // The pool keeps it a while longer, past sockwatch.reuse.idle_threshold (1 s): the reuse is checked.
            Thread.sleep(1000);
            String clientSaw;
            try {
                KeepAliveHttpClient.Response second = client.get("/second");
                clientSaw = "second request answered " + second.status();
            } catch (IOException e) {
                clientSaw = Loopback.describe(e);
            }
            Outcome o = new Outcome("idle_timeout", clientPort, server.port(), "peer_fin", "timeout", SOCKET, SOCKET,
                    "GET /first: " + first.status() + "; idle; GET /second on the same connection: " + clientSaw
                            + ", then closed",
                    "answered GET /first, then " + ending + " (no request within " + KEEP_ALIVE_TIMEOUT_MS
                            + " ms): closed",
                    null);
            if (first.status() != 200 || !ending.equals("idle_timeout")) {
                return o.failed("expected 200 then the server's idle close");
            }
            return clientSaw.startsWith(EOFException.class.getSimpleName())
                    || clientSaw.startsWith(SocketException.class.getSimpleName())
                    ? o : o.failed("expected the second request to fail");
        }
    }

    static Outcome refused() throws Exception {
        int port = Loopback.closedPort();
        String clientSaw;
        try (Socket client = new Socket()) {
            client.connect(new InetSocketAddress(Loopback.ADDRESS, port), (int) Loopback.WAIT_MS);
            clientSaw = "connected";
        } catch (ConnectException e) {
            clientSaw = Loopback.describe(e);
        }
        Outcome o = new Outcome("refused", -1, port, "peer_rst", null, SOCKET, null, clientSaw,
                "nobody listens on port " + port, null);
        return clientSaw.contains("refused") ? o : o.failed("expected Connection refused");
    }

    static Outcome useAfterClose() throws Exception {
        try (ServerThread server = new ServerThread("use_after_close", s -> {
            try (s) {
                long n = Loopback.readToEof(s.getInputStream());
                return "end of stream after " + n + " bytes, then closed";
            }
        })) {
            Socket client = Loopback.connect(server.port());
            int clientPort = client.getLocalPort();
            InputStream in = client.getInputStream();
            client.getOutputStream().write(REQUEST);
            client.close();
            String clientSaw;
            boolean refused = false;
            try {
                clientSaw = "closed, then read: returned " + in.read();
            } catch (SocketException e) {
                clientSaw = "closed, then read: " + Loopback.describe(e);
                refused = true;
            }
            Outcome o = new Outcome("use_after_close", clientPort, server.port(), "local_close", "peer_fin", SOCKET,
                    SOCKET, clientSaw, server.await(), null);
            return refused ? o : o.failed("expected the read to fail on a closed socket");
        }
    }

    static Outcome leaked() throws Exception {
        try (ServerThread server = new ServerThread("leaked", s -> {
            try (s) {
                long n = Loopback.readToEof(s.getInputStream()); // EOF once the JDK's cleaner closes the fd
                return "end of stream after " + n + " bytes (the leaked descriptor was closed), then closed";
            }
        })) {
            int[] clientPort = new int[1];
            WeakReference<Socket> leak = openAndDrop(server.port(), clientPort);
            int collections = 0;
            long deadline = System.nanoTime() + Loopback.WAIT_MS * 1_000_000;
            while ((leak.get() != null || !server.finished()) && System.nanoTime() < deadline) {
                System.gc();
                collections++;
                Thread.sleep(20);
            }
            String clientSaw = leak.get() == null
                    ? "dropped the socket without close(); collected after " + collections + " System.gc() calls"
                    : "dropped the socket without close(); still not collected after " + collections + " calls";
            Outcome o = new Outcome("leaked", clientPort[0], server.port(), "leaked", "peer_fin", SOCKET, SOCKET,
                    clientSaw, server.await(), null);
            return leak.get() == null ? o : o.failed("the socket was never collected");
        }
    }

    /** Connects, writes, and forgets the socket: nothing but the returned weak reference points to it. */
    private static WeakReference<Socket> openAndDrop(int port, int[] localPort) throws IOException {
        Socket s = Loopback.connect(port);
        s.getOutputStream().write(REQUEST);
        localPort[0] = s.getLocalPort();
        return new WeakReference<>(s);
    }

    /** Reads, expecting the connection to be reset; returns what the read did. */
    private static String readExpectingReset(InputStream in) {
        try {
            int b = in.read();
            return b < 0 ? "end of stream" : "read a byte";
        } catch (IOException e) {
            return Loopback.describe(e);
        }
    }

    // --- NIO ----------------------------------------------------------------------------------------------

    static Outcome unreadInput() throws Exception {
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(Loopback.ADDRESS, 0));
            int serverPort = ((InetSocketAddress) listener.getLocalAddress()).getPort();
            AtomicReference<Object> serverResult = new AtomicReference<>();
            Thread server = new Thread(() -> {
                try (SocketChannel ch = listener.accept()) {
                    // the request has arrived (FIONREAD), and the server closes without reading it
                    InputStream unread = ch.socket().getInputStream();
                    Loopback.await("the request", () -> available(unread) >= REQUEST.length);
                    int pending = available(unread);
                    ch.close(); // unread bytes in the receive queue: the kernel sends RST instead of FIN
                    serverResult.set("closed with " + pending + " request bytes unread (RST)");
                } catch (Exception e) {
                    serverResult.set(e);
                }
            }, "server-unread_input");
            server.setDaemon(true);
            server.start();
            try (Socket client = Loopback.connect(serverPort)) {
                int clientPort = client.getLocalPort();
                client.getOutputStream().write(REQUEST);
                String clientSaw = readExpectingReset(client.getInputStream());
                String serverSaw = joined(server, serverResult);
                Outcome o = new Outcome("unread_input", clientPort, serverPort, "peer_rst", "local_close", SOCKET,
                        CHANNEL, "wrote a request, waited for the response: " + clientSaw + ", then closed",
                        serverSaw, null);
                return clientSaw.contains("reset") ? o : o.failed("expected a connection reset");
            }
        }
    }

    static Outcome nio() throws Exception {
        byte[] response = "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n".getBytes(US_ASCII);
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(Loopback.ADDRESS, 0));
            int serverPort = ((InetSocketAddress) listener.getLocalAddress()).getPort();
            AtomicReference<Object> serverResult = new AtomicReference<>();
            Thread server = new Thread(() -> {
                try (SocketChannel ch = listener.accept()) {
                    ByteBuffer request = ByteBuffer.allocate(REQUEST.length);
                    while (request.hasRemaining() && ch.read(request) >= 0) {
                        // blocking reads until the whole request is in
                    }
                    ch.write(ByteBuffer.wrap(response));
                    serverResult.set("read the request, answered and closed");
                } catch (Exception e) {
                    serverResult.set(e);
                }
            }, "server-nio");
            server.setDaemon(true);
            server.start();

            int clientPort;
            long received = 0;
            try (SocketChannel client = SocketChannel.open(); Selector selector = Selector.open()) {
                // the selector is declared last so it closes first and the channel closes deregistered
                client.configureBlocking(false);
                client.connect(new InetSocketAddress(Loopback.ADDRESS, serverPort));
                SelectionKey key = client.register(selector, SelectionKey.OP_CONNECT);
                ByteBuffer out = ByteBuffer.wrap(REQUEST);
                ByteBuffer in = ByteBuffer.allocate(256);
                boolean eof = false;
                long deadline = System.nanoTime() + Loopback.WAIT_MS * 1_000_000;
                while (!eof) {
                    if (System.nanoTime() > deadline) {
                        throw new TimeoutException("the NIO client did not reach end of stream");
                    }
                    if (selector.select(100) == 0) {
                        continue;
                    }
                    selector.selectedKeys().clear();
                    if (key.isConnectable() && client.finishConnect()) {
                        key.interestOps(SelectionKey.OP_WRITE);
                    } else if (key.isWritable()) {
                        client.write(out);
                        if (!out.hasRemaining()) {
                            key.interestOps(SelectionKey.OP_READ);
                        }
                    } else if (key.isReadable()) {
                        int n = client.read(in);
                        if (n < 0) {
                            eof = true;
                        } else {
                            received += n;
                            in.clear();
                        }
                    }
                }
                clientPort = ((InetSocketAddress) client.getLocalAddress()).getPort();
            }
            String serverSaw = joined(server, serverResult);
            Outcome o = new Outcome("nio", clientPort, serverPort, "peer_fin", "local_close", CHANNEL, CHANNEL,
                    "non-blocking: connected, wrote a request, read " + received + " bytes, end of stream, closed",
                    serverSaw, null);
            return received == response.length ? o : o.failed("expected a " + response.length + " byte response");
        }
    }

    private static int available(InputStream in) {
        try {
            return in.available();
        } catch (IOException e) {
            return -1;
        }
    }

    private static String joined(Thread server, AtomicReference<Object> result) throws Exception {
        server.join(Loopback.WAIT_MS);
        Object r = result.get();
        if (server.isAlive() || r == null) {
            throw new TimeoutException("the server side did not finish within " + Loopback.WAIT_MS + " ms");
        }
        if (r instanceof Exception e) {
            throw e;
        }
        return (String) r;
    }
}
