package io.sockwatch.it.scenarios;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The ways a {@code java.net.Socket} connection ends, both ends in this process on 127.0.0.1 with ephemeral ports.
 * Runs in a forked JVM with the agent; uses only the JDK.
 *
 * <p>For each scenario it prints one line {@code SCENARIO <name> client_port=<p> server_port=<p> key=value...}
 * (values URL-encoded): the ports pair the spans with the scenario, the other facts are the ground truth the test
 * compares the spans with (what each side's application saw, bytes it moved, the line and thread of a close). A
 * scenario that cannot do what it is meant to prints {@code SCENARIO_FAILED <name> ...}, the others still run, and
 * the exit code is 1.
 */
public final class CloseOriginScenarios {

    /** Every scenario, refused last: its closed listener port is free for reuse by later ones otherwise. */
    public static final List<String> ALL = List.of("peer_fin", "linger_reset", "unread_input_reset", "broken_pipe",
            "read_timeout", "use_after_close", "refused");

    private static final String LOOPBACK = "127.0.0.1";

    private CloseOriginScenarios() {
    }

    public static void main(String[] args) {
        boolean ok = true;
        for (String name : args.length == 0 ? ALL : List.of(args)) {
            try {
                System.out.println(run(name).line());
            } catch (Throwable t) {
                ok = false;
                System.out.println("SCENARIO_FAILED " + name + " " + t);
                t.printStackTrace(System.out);
            }
        }
        System.out.flush();
        if (!ok) {
            System.exit(1);
        }
    }

    /** The facts one scenario reports. */
    public static final class Report {
        private final String name;
        private final Map<String, String> facts = new LinkedHashMap<>();

        Report(String name) {
            this.name = name;
        }

        Report put(String key, Object value) {
            facts.put(key, String.valueOf(value));
            return this;
        }

        public String line() {
            StringBuilder b = new StringBuilder("SCENARIO ").append(name);
            facts.forEach((k, v) -> b.append(' ').append(k).append('=')
                    .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
            return b.toString();
        }
    }

    /** Runs one scenario and returns its report (also used by other programs). */
    public static Report run(String name) throws Exception {
        return switch (name) {
            case "peer_fin" -> peerFin();
            case "linger_reset" -> lingerReset();
            case "unread_input_reset" -> unreadInputReset();
            case "broken_pipe" -> brokenPipe();
            case "read_timeout" -> readTimeout();
            case "use_after_close" -> useAfterClose();
            case "refused" -> refused();
            default -> throw new IllegalArgumentException("unknown scenario " + name + "; known: " + ALL);
        };
    }

    /** The server writes a reply and closes; the client reads to end of stream, then closes. */
    static Report peerFin() throws Exception {
        try (ServerSocket listener = listen()) {
            Report r = begin("peer_fin", listener);
            // By name: server.address must be what the application asked for, the peer address what it resolved to.
            Socket client = new Socket("localhost", listener.getLocalPort());
            Socket server = listener.accept();
            r.put("client_port", client.getLocalPort()).put("server_address", "localhost");
            server.getOutputStream().write("bye".getBytes(StandardCharsets.US_ASCII));
            r.put("server_close_line", line()); server.close(); // both on one line: the close's call site
            r.put("server_close_thread", Thread.currentThread().getName());
            r.put("server_close_function", CloseOriginScenarios.class.getName() + ".peerFin");
            r.put("client_read", drain(client.getInputStream())).put("client_saw", "eof");
            client.close();
            return r;
        }
    }

    /** The server sets SO_LINGER 0 and closes (RST) while the client is blocked in read. */
    static Report lingerReset() throws Exception {
        try (ServerSocket listener = listen()) {
            Report r = begin("linger_reset", listener);
            Socket client = new Socket(LOOPBACK, listener.getLocalPort());
            Socket server = listener.accept();
            r.put("client_port", client.getLocalPort());
            InputStream in = client.getInputStream();
            AtomicReference<String> saw = new AtomicReference<>("nothing");
            Thread reader = new Thread(() -> {
                try {
                    saw.set("read=" + in.read());
                } catch (IOException e) {
                    saw.set(e.toString());
                }
            }, "client-reader");
            reader.start();
            r.put("client_blocked_in_read", awaitBlockedInRead(reader));
            server.setSoLinger(true, 0);
            r.put("server_close_line", line()); server.close(); // both on one line: the close's call site
            r.put("server_close_function", CloseOriginScenarios.class.getName() + ".lingerReset");
            reader.join(TimeUnit.SECONDS.toMillis(5));
            if (reader.isAlive()) {
                throw new IllegalStateException("the client's read did not return after the RST");
            }
            r.put("client_saw", saw.get());
            client.close();
            return r;
        }
    }

    /**
     * The client sends bytes the server never reads, and the server closes: the kernel answers the unread input with
     * RST. (NioSocketImpl shuts output down before it closes, so a FIN goes out just before the RST.)
     */
    static Report unreadInputReset() throws Exception {
        try (ServerSocket listener = listen()) {
            Report r = begin("unread_input_reset", listener);
            Socket client = new Socket(LOOPBACK, listener.getLocalPort());
            Socket server = listener.accept();
            r.put("client_port", client.getLocalPort());
            client.getOutputStream().write(new byte[100]);
            awaitQueued(server.getInputStream(), 100);
            r.put("server_close_line", line()); server.close(); // both on one line: the close's call site
            r.put("server_close_function", CloseOriginScenarios.class.getName() + ".unreadInputReset");
            r.put("client_written", 100).put("client_saw", readOnce(client.getInputStream()));
            client.close();
            return r;
        }
    }

    /** As unread_input_reset, then the client keeps writing (never reading) until a write fails. */
    static Report brokenPipe() throws Exception {
        try (ServerSocket listener = listen()) {
            Report r = begin("broken_pipe", listener);
            Socket client = new Socket(LOOPBACK, listener.getLocalPort());
            Socket server = listener.accept();
            r.put("client_port", client.getLocalPort());
            OutputStream out = client.getOutputStream();
            out.write(new byte[100]);
            long written = 100;
            awaitQueued(server.getInputStream(), 100);
            r.put("server_close_line", line()); server.close(); // both on one line: the close's call site
            r.put("server_close_function", CloseOriginScenarios.class.getName() + ".brokenPipe");
            String saw = null;
            byte[] chunk = new byte[1024];
            for (int i = 0; i < 200 && saw == null; i++) {
                try {
                    out.write(chunk);
                    written += chunk.length;
                    Thread.sleep(5);
                } catch (IOException e) {
                    saw = e.toString();
                }
            }
            if (saw == null) {
                throw new IllegalStateException("200 writes after the peer's RST all succeeded");
            }
            r.put("client_written", written).put("client_saw", saw);
            client.close();
            return r;
        }
    }

    /** The client's read times out (SO_TIMEOUT 200 ms) and it closes without further I/O; the server sees EOF. */
    static Report readTimeout() throws Exception {
        try (ServerSocket listener = listen()) {
            Report r = begin("read_timeout", listener);
            Socket client = new Socket(LOOPBACK, listener.getLocalPort());
            Socket server = listener.accept();
            r.put("client_port", client.getLocalPort());
            client.setSoTimeout(200);
            long start = System.nanoTime();
            try {
                int b = client.getInputStream().read();
                throw new IllegalStateException("expected a read timeout, read returned " + b);
            } catch (SocketTimeoutException expected) {
                r.put("client_saw", expected.toString());
            }
            r.put("client_waited_ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            r.put("client_close_line", line()); client.close(); // both on one line: the close's call site
            r.put("client_close_function", CloseOriginScenarios.class.getName() + ".readTimeout");
            r.put("server_read", drain(server.getInputStream())).put("server_saw", "eof");
            server.close();
            return r;
        }
    }

    /** The client closes, then at once reads and writes through the streams it held; the server sees EOF. */
    static Report useAfterClose() throws Exception {
        try (ServerSocket listener = listen()) {
            Report r = begin("use_after_close", listener);
            Socket client = new Socket(LOOPBACK, listener.getLocalPort());
            Socket server = listener.accept();
            r.put("client_port", client.getLocalPort());
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            r.put("client_close_line", line()); client.close(); // both on one line: the close's call site
            r.put("client_close_function", CloseOriginScenarios.class.getName() + ".useAfterClose");
            try {
                r.put("client_read_after_close", "read=" + in.read());
            } catch (IOException e) {
                r.put("client_read_after_close", e.toString());
            }
            try {
                out.write(1);
                r.put("client_write_after_close", "ok");
            } catch (IOException e) {
                r.put("client_write_after_close", e.toString());
            }
            r.put("client_thread", Thread.currentThread().getName());
            r.put("server_read", drain(server.getInputStream())).put("server_saw", "eof");
            server.close();
            return r;
        }
    }

    /** Connect to a loopback port nobody listens on (a listener bound it and closed). */
    static Report refused() throws Exception {
        int port;
        try (ServerSocket listener = listen()) {
            port = listener.getLocalPort();
        }
        Report r = new Report("refused").put("client_port", 0).put("server_port", port);
        try (Socket client = new Socket()) {
            client.connect(new InetSocketAddress(LOOPBACK, port), 2000);
            throw new IllegalStateException("connected to " + port + ", expected a refusal");
        } catch (ConnectException expected) {
            r.put("client_saw", expected.toString());
        }
        return r;
    }

    private static ServerSocket listen() throws IOException {
        return new ServerSocket(0, 50, InetAddress.getByName(LOOPBACK));
    }

    private static Report begin(String name, ServerSocket listener) {
        // client_port first in the line, then server_port: the order the tests print them in
        return new Report(name).put("client_port", 0).put("server_port", listener.getLocalPort());
    }

    /** The caller's line number. */
    private static int line() {
        return StackWalker.getInstance().walk(s -> s.skip(1).findFirst()).orElseThrow().getLineNumber();
    }

    /** Reads to end of stream; returns the number of bytes read. */
    private static long drain(InputStream in) throws IOException {
        long n = 0;
        byte[] buffer = new byte[1024];
        for (int r; (r = in.read(buffer)) != -1; ) {
            n += r;
        }
        return n;
    }

    /** One read: {@code eof}, {@code read=<byte>} or the exception. */
    private static String readOnce(InputStream in) {
        try {
            int b = in.read();
            return b == -1 ? "eof" : "read=" + b;
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Waits until {@code n} bytes are queued for {@code in}, without reading them. */
    private static void awaitQueued(InputStream in, int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (in.available() < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + in.available() + " of " + n + " bytes arrived");
            }
            Thread.sleep(1);
        }
    }

    /**
     * Waits until {@code reader} is inside a native read of the socket (blocked in the kernel), at most 5 s;
     * returns whether it got there.
     */
    private static boolean awaitBlockedInRead(Thread reader) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            StackTraceElement[] stack = reader.getStackTrace();
            if (stack.length > 0 && stack[0].isNativeMethod() && stack[0].getClassName().startsWith("sun.nio.ch.")) {
                return true;
            }
            Thread.sleep(1);
        }
        return false;
    }
}
