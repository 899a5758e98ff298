package io.sockwatch.e2e.scenarios;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Connection endings on java.net.Socket, both ends in this process on loopback. Each scenario prints
 * {@code SCENARIO <name> client_port=<p> server_port=<p>} so the test can pair the spans it receives.
 * Runs in a forked JVM with the agent; uses only the JDK.
 */
public final class SocketScenarios {

    public static final List<String> ALL = List.of("peer_fin", "linger_reset", "unread_input_reset", "broken_pipe",
            "read_timeout", "use_after_close", "refused", "half_close", "async_close", "stale_pooled", "stale_reuse", "goodbye", "listener_closed", "leaked");

    private SocketScenarios() {
    }

    public static void main(String[] args) throws Exception {
        for (String name : args.length == 0 ? ALL : List.of(args)) {
            run(name);
        }
    }

    static void run(String name) throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = listener.getLocalPort();
            switch (name) {
                case "peer_fin" -> {
                    Socket client = new Socket("localhost", port);
                    int clientPort = client.getLocalPort();
                    try (Socket server = listener.accept()) {
                        server.getOutputStream().write("bye".getBytes());
                    } // server closes first: FIN
                    drain(client.getInputStream());
                    client.close();
                    report(name, clientPort, port);
                }
                case "linger_reset" -> {
                    Socket client = new Socket("localhost", port);
                    int clientPort = client.getLocalPort();
                    Socket server = listener.accept();
                    server.setSoLinger(true, 0);
                    server.close(); // RST
                    expectFailure(() -> client.getInputStream().read());
                    client.close();
                    report(name, clientPort, port);
                }
                case "unread_input_reset" -> {
                    Socket client = new Socket("localhost", port);
                    int clientPort = client.getLocalPort();
                    Socket server = listener.accept();
                    client.getOutputStream().write(new byte[100]);
                    awaitReadable(server.getInputStream(), 100);
                    server.close(); // unread input: the kernel sends RST (NioSocketImpl sends FIN first)
                    try {
                        System.out.println("  read " + client.getInputStream().read());
                    } catch (IOException e) {
                        System.out.println("  " + e);
                    }
                    client.close();
                    report(name, clientPort, port);
                }
                case "broken_pipe" -> {
                    Socket client = new Socket("localhost", port);
                    int clientPort = client.getLocalPort();
                    Socket server = listener.accept();
                    client.getOutputStream().write(new byte[100]);
                    awaitReadable(server.getInputStream(), 100);
                    server.close(); // RST
                    Thread.sleep(100);
                    OutputStream out = client.getOutputStream();
                    expectFailure(() -> {
                        for (int i = 0; i < 100; i++) {
                            out.write(new byte[1024]);
                            Thread.sleep(10);
                        }
                    });
                    client.close();
                    report(name, clientPort, port);
                }
                case "read_timeout" -> {
                    Socket client = new Socket("localhost", port);
                    int clientPort = client.getLocalPort();
                    Socket server = listener.accept();
                    client.setSoTimeout(200);
                    try {
                        client.getInputStream().read();
                        throw new AssertionError("expected a read timeout");
                    } catch (SocketTimeoutException expected) {
                        // the application gives up on the connection
                    }
                    client.close();
                    drain(server.getInputStream()); // sees our FIN
                    server.close();
                    report(name, clientPort, port);
                }
                case "use_after_close" -> {
                    Socket client = new Socket("localhost", port);
                    int clientPort = client.getLocalPort();
                    Socket server = listener.accept();
                    InputStream in = client.getInputStream();
                    client.close();
                    expectFailure(in::read); // "Socket closed"
                    drain(server.getInputStream());
                    server.close();
                    report(name, clientPort, port);
                }
                case "refused" -> {
                    listener.close();
                    Socket client = new Socket();
                    expectFailure(() -> client.connect(new InetSocketAddress("127.0.0.1", port), 2000));
                    System.out.println("SCENARIO " + name + " client_port=0 server_port=" + port);
                }
                case "half_close" -> {
                    Socket client = new Socket("localhost", port);
                    int clientPort = client.getLocalPort();
                    Socket server = listener.accept();
                    client.getOutputStream().write("request".getBytes());
                    client.shutdownOutput(); // our FIN goes first
                    drain(server.getInputStream());
                    server.getOutputStream().write("response".getBytes());
                    server.close();
                    drain(client.getInputStream());
                    client.close();
                    report(name, clientPort, port);
                }
                case "async_close" -> {
                    Socket client = new Socket("localhost", port);
                    int clientPort = client.getLocalPort();
                    Socket server = listener.accept();
                    CountDownLatch reading = new CountDownLatch(1);
                    Thread reader = new Thread(() -> {
                        reading.countDown();
                        expectFailure(() -> client.getInputStream().read());
                    });
                    reader.start();
                    reading.await();
                    Thread.sleep(200); // let the reader block in read
                    client.close();
                    reader.join(5000);
                    drain(server.getInputStream());
                    server.close();
                    report(name, clientPort, port);
                }
                case "stale_pooled" -> {
                    // A pooled keep-alive connection: the server closes it while idle, the pool later closes it
                    // without ever reading; the peer's FIN waits unread in the kernel (CLOSE_WAIT).
                    Socket client = new Socket("localhost", port);
                    int clientPort = client.getLocalPort();
                    Socket server = listener.accept();
                    server.close();
                    Thread.sleep(100);
                    client.close();
                    report(name, clientPort, port);
                }
                case "stale_reuse" -> {
                    // A pooled connection: one exchange, then the server closes it while it sits idle longer
                    // than sockwatch.reuse.idle_threshold; the pool reuses it (a write), reads the reset, closes.
                    Socket client = new Socket("localhost", port);
                    int clientPort = client.getLocalPort();
                    Socket server = listener.accept();
                    client.getOutputStream().write("ping".getBytes());
                    server.getInputStream().readNBytes(4);
                    server.getOutputStream().write("pong".getBytes());
                    client.getInputStream().readNBytes(4);
                    server.close();
                    Thread.sleep(1300);
                    client.getOutputStream().write("ping".getBytes());
                    expectFailureOrEnd(() -> client.getInputStream().read());
                    client.close();
                    report(name, clientPort, port);
                }
                case "goodbye" -> {
                    // The client's last word (QUIT); the server closes on it; the client closes a moment later
                    // without reading: the server's FIN is first on the wire, the ending is the client's.
                    Socket client = new Socket("localhost", port);
                    int clientPort = client.getLocalPort();
                    Socket server = listener.accept();
                    client.getOutputStream().write("QUIT".getBytes());
                    server.getInputStream().readNBytes(4);
                    server.close();
                    Thread.sleep(100);
                    client.close();
                    report(name, clientPort, port);
                }
                case "leaked" -> {
                    // The client socket is dropped without close(): the garbage collector finds it, and the JDK's
                    // cleaner closes its descriptor, which the server sees as end of stream.
                    int clientPort = openAndDrop(port);
                    Socket server = listener.accept();
                    server.setSoTimeout(100);
                    boolean ended = false;
                    for (int i = 0; i < 100 && !ended; i++) {
                        System.gc();
                        try {
                            ended = server.getInputStream().read() == -1;
                        } catch (SocketTimeoutException notYet) {
                            // still referenced somewhere; collect again
                        }
                    }
                    server.close();
                    System.out.println("  leak noticed by the server: " + ended);
                    report(name, clientPort, port);
                }
                case "listener_closed" -> {
                    Thread acceptor = new Thread(() -> expectFailure(listener::accept));
                    acceptor.start();
                    Thread.sleep(200); // blocked in accept
                    listener.close();
                    acceptor.join(5000);
                    System.out.println("SCENARIO " + name + " client_port=0 server_port=" + port);
                }
                default -> throw new IllegalArgumentException("unknown scenario " + name);
            }
        }
    }

    /** Opens a connection and lets go of it without closing it. */
    static int openAndDrop(int port) throws IOException {
        Socket forgotten = new Socket("localhost", port);
        return forgotten.getLocalPort();
    }

    interface Action {
        void run() throws Exception;
    }

    static void expectFailure(Action action) {
        try {
            action.run();
        } catch (Exception expected) {
            System.out.println("  " + expected);
            return;
        }
        throw new AssertionError("expected an exception");
    }

    /** A read on a connection the peer has gone from: a reset, or end of stream, whichever the kernel has. */
    static void expectFailureOrEnd(Action action) {
        try {
            action.run();
        } catch (Exception expected) {
            System.out.println("  " + expected);
        }
    }

    static void drain(InputStream in) throws IOException {
        byte[] buffer = new byte[1024];
        while (in.read(buffer) != -1) {
            // until end of stream
        }
    }

    /** Waits until {@code n} bytes are queued, without reading them. */
    static void awaitReadable(InputStream in, int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (in.available() < n && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    static void report(String name, int clientPort, int serverPort) {
        System.out.println("SCENARIO " + name + " client_port=" + clientPort + " server_port=" + serverPort);
    }
}
