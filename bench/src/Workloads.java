import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Socket workloads on loopback, one per run, each printing {@code RESULT <name> <value> <unit>}. Plain JDK code:
 * it runs the same with no agent, with sockwatch, and with JFR socket events, so the harness can compare them.
 */
public final class Workloads {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    /** Per-operation workloads: measured in a steady state, after the JVM (and any agent) has warmed up. */
    private static final List<String> STEADY = List.of("small_reads", "pingpong_socket_1", "pingpong_socket_1k",
            "pingpong_channel_1", "pingpong_channel_1k", "bulk");

    private static double lastValue;

    public static void main(String[] args) throws Exception {
        String name = args[0];
        if (!STEADY.contains(name)) {
            run(name, args);
            return;
        }
        // Each of these runs for well under two seconds. Measured from a cold start they would compare the agent's
        // start-up work (its SDK starting, the JIT compiling both) with the operations, and startup is measured
        // on its own. So every mode repeats the workload for a warm-up time first, then reports the mean of the
        // measured runs.
        long warmupEnd = System.nanoTime() + Long.getLong("warmup.ms", 2500) * 1_000_000L;
        for (int runs = 0; runs < 2 || System.nanoTime() < warmupEnd; runs++) {
            run(name, args);
        }
        int measured = Integer.getInteger("measured.runs", 3);
        double sum = 0;
        for (int i = 0; i < measured; i++) {
            run(name, args);
            sum += lastValue;
        }
        System.out.printf("RESULT %s %.3f %s%n", name, sum / measured, lastUnit);
    }

    private static String lastUnit;

    private static void run(String name, String[] args) throws Exception {
        switch (name) {
            case "startup" -> startup();
            case "small_reads" -> smallReads();
            case "pingpong_socket_1" -> pingPongSocket(1);
            case "pingpong_socket_1k" -> pingPongSocket(1024);
            case "pingpong_channel_1" -> pingPongChannel(1);
            case "pingpong_channel_1k" -> pingPongChannel(1024);
            case "bulk" -> bulk();
            case "churn" -> churn();
            case "many" -> many(Integer.parseInt(args.length > 1 ? args[1] : "10000"));
            case "many_client" -> manyClient(Integer.parseInt(args.length > 1 ? args[1] : "10000"));
            case "hold_server" -> holdServer();
            case "first_close" -> closeLatency(true);
            case "later_close" -> closeLatency(false);
            default -> throw new IllegalArgumentException(name);
        }
    }

    static void result(String name, double value, String unit) {
        lastValue = value;
        lastUnit = unit;
        if (!STEADY.contains(name)) {
            System.out.printf("RESULT %s %.3f %s%n", name, value, unit);
        }
    }

    /** A tiny program: one connection, then exit (wall time and RSS are measured by the harness). */
    static void startup() throws IOException {
        try (ServerSocket listener = new ServerSocket(0, 1, LOOPBACK);
             Socket c = new Socket(LOOPBACK, listener.getLocalPort());
             Socket s = listener.accept()) {
            c.getOutputStream().write(1);
            s.getInputStream().read();
        }
        result("startup", 1, "ok");
    }

    /** 16-byte reads of a 32 MiB stream: per-call overhead dominates. */
    static void smallReads() throws Exception {
        int total = 32 << 20;
        try (ServerSocket listener = new ServerSocket(0, 1, LOOPBACK)) {
            Thread writer = new Thread(() -> {
                try (Socket s = listener.accept(); OutputStream out = s.getOutputStream()) {
                    byte[] chunk = new byte[64 << 10];
                    for (int sent = 0; sent < total; sent += chunk.length) {
                        out.write(chunk);
                    }
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            writer.start();
            try (Socket c = new Socket(LOOPBACK, listener.getLocalPort())) {
                InputStream in = c.getInputStream();
                byte[] b = new byte[16];
                long reads = 0;
                long start = System.nanoTime();
                for (int n; (n = in.read(b, 0, 16)) != -1; ) {
                    reads++;
                }
                long elapsed = System.nanoTime() - start;
                result("small_reads", (double) elapsed / reads, "ns/read");
            }
            writer.join();
        }
    }

    static void pingPongSocket(int size) throws Exception {
        int rounds = 20_000;
        try (ServerSocket listener = new ServerSocket(0, 1, LOOPBACK)) {
            Thread echo = new Thread(() -> {
                try (Socket s = listener.accept()) {
                    s.setTcpNoDelay(true);
                    InputStream in = s.getInputStream();
                    OutputStream out = s.getOutputStream();
                    byte[] b = new byte[size];
                    for (int i = 0; i < rounds; i++) {
                        readFully(in, b);
                        out.write(b);
                    }
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            echo.start();
            try (Socket c = new Socket(LOOPBACK, listener.getLocalPort())) {
                c.setTcpNoDelay(true);
                InputStream in = c.getInputStream();
                OutputStream out = c.getOutputStream();
                byte[] b = new byte[size];
                long start = System.nanoTime();
                for (int i = 0; i < rounds; i++) {
                    out.write(b);
                    readFully(in, b);
                }
                result("pingpong_socket_" + (size == 1 ? "1" : "1k"), (System.nanoTime() - start) / 1000.0 / rounds,
                        "us/roundtrip");
            }
            echo.join();
        }
    }

    static void pingPongChannel(int size) throws Exception {
        int rounds = 20_000;
        try (ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress(LOOPBACK, 0))) {
            Thread echo = new Thread(() -> {
                try (SocketChannel s = listener.accept()) {
                    s.socket().setTcpNoDelay(true);
                    ByteBuffer b = ByteBuffer.allocateDirect(size);
                    for (int i = 0; i < rounds; i++) {
                        b.clear();
                        while (b.hasRemaining()) {
                            s.read(b);
                        }
                        b.flip();
                        while (b.hasRemaining()) {
                            s.write(b);
                        }
                    }
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            echo.start();
            try (SocketChannel c = SocketChannel.open(listener.getLocalAddress())) {
                c.socket().setTcpNoDelay(true);
                ByteBuffer b = ByteBuffer.allocateDirect(size);
                long start = System.nanoTime();
                for (int i = 0; i < rounds; i++) {
                    b.clear();
                    while (b.hasRemaining()) {
                        c.write(b);
                    }
                    b.clear();
                    while (b.hasRemaining()) {
                        c.read(b);
                    }
                }
                result("pingpong_channel_" + (size == 1 ? "1" : "1k"), (System.nanoTime() - start) / 1000.0 / rounds,
                        "us/roundtrip");
            }
            echo.join();
        }
    }

    /** 64 KiB writes, 2 GiB in all. */
    static void bulk() throws Exception {
        long total = 2L << 30;
        try (ServerSocket listener = new ServerSocket(0, 1, LOOPBACK)) {
            Thread sink = new Thread(() -> {
                try (Socket s = listener.accept(); InputStream in = s.getInputStream()) {
                    byte[] b = new byte[256 << 10];
                    while (in.read(b) != -1) {
                        // discard
                    }
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            sink.start();
            byte[] chunk = new byte[64 << 10];
            long start = System.nanoTime();
            try (Socket c = new Socket(LOOPBACK, listener.getLocalPort()); OutputStream out = c.getOutputStream()) {
                for (long sent = 0; sent < total; sent += chunk.length) {
                    out.write(chunk);
                }
            }
            sink.join();
            double seconds = (System.nanoTime() - start) / 1e9;
            result("bulk", total / seconds / (1 << 20), "MiB/s");
        }
    }

    /** connect + accept + 16 B each way + close, one after the other. */
    static void churn() throws Exception {
        // Warm up first, for a time, as the steady workloads do: connection churn in a fresh JVM otherwise measures
        // the JIT compiling the agent's close and export paths (seconds of C2 on two cores), not their steady cost.
        long warmupEnd = System.nanoTime() + Long.getLong("churn.warmup.ms", 6000) * 1_000_000L;
        for (int r = 0; r < 4 || System.nanoTime() < warmupEnd; r++) {
            System.out.printf("warmup %.0f%n", churnRound(4000));
        }
        double sum = 0;
        int rounds = Integer.getInteger("churn.rounds", 3);
        // The process's CPU (every thread: the application's, the agent's, the JIT's) per connection: on a VM, the
        // throughput of this thread ping-pong also depends on how fast sleeping threads are woken, which background
        // threads change; the CPU spent does not.
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean();
        long cpuBefore = os.getProcessCpuTime();
        for (int r = 0; r < rounds; r++) {
            double v = churnRound(4000);
            System.out.printf("round %.0f%n", v);
            sum += v;
        }
        System.out.printf("CPU churn %.3f µs/conn%n", (os.getProcessCpuTime() - cpuBefore) / 1e3 / (rounds * 4000.0));
        result("churn", sum / rounds, "conn/s");
    }

    static double churnRound(int connections) throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 128, LOOPBACK)) {
            Thread server = new Thread(() -> {
                byte[] b = new byte[16];
                try {
                    for (int i = 0; i < connections; i++) {
                        try (Socket s = listener.accept()) {
                            readFully(s.getInputStream(), b);
                            s.getOutputStream().write(b);
                        }
                    }
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            server.start();
            byte[] b = new byte[16];
            long start = System.nanoTime();
            for (int i = 0; i < connections; i++) {
                try (Socket c = new Socket(LOOPBACK, listener.getLocalPort())) {
                    c.getOutputStream().write(b);
                    readFully(c.getInputStream(), b);
                }
            }
            server.join();
            return connections / ((System.nanoTime() - start) / 1e9);
        }
    }

    /**
     * How long the application's close() takes: the first close in the JVM, or the median of closes 101 to 300. An
     * agent that makes the first one slower widens the race it judges (a goodbye answered by the peer's FIN while
     * our close is still running). The JVM has lived a second first, as a pool's shutdown comes well after start;
     * the client wrote last, as before a goodbye, and the peer is still open.
     */
    static void closeLatency(boolean first) throws Exception {
        Thread.sleep(Long.getLong("close.after.ms", 1000));
        int connections = first ? 1 : 300;
        long[] micros = new long[connections];
        try (ServerSocket listener = new ServerSocket(0, 50, LOOPBACK)) {
            for (int i = 0; i < connections; i++) {
                Socket c = new Socket(LOOPBACK, listener.getLocalPort());
                try (Socket s = listener.accept()) {
                    s.getOutputStream().write(1);
                    c.getInputStream().read();
                    c.getOutputStream().write(1);
                    s.getInputStream().read();
                    long start = System.nanoTime();
                    c.close();
                    micros[i] = (System.nanoTime() - start) / 1000;
                }
            }
        }
        if (first) {
            result("first_close", micros[0], "µs");
        } else {
            long[] later = java.util.Arrays.copyOfRange(micros, 100, connections);
            java.util.Arrays.sort(later);
            result("later_close", later[later.length / 2], "µs");
        }
    }

    /**
     * n idle connections held open (2n sockets): heap retained per socket, after full collections, as the slope
     * between a fifth of them and all of them in the same JVM, so that fixed costs (an agent's start-up data that
     * may be freed meanwhile, class metadata, caches) cancel out.
     */
    static void many(int n) throws Exception {
        List<Socket> keep = new ArrayList<>(2 * n);
        int first = n / 5;
        try (ServerSocket listener = new ServerSocket(0, 1024, LOOPBACK)) {
            for (int i = 0; i < first; i++) {
                keep.add(new Socket(LOOPBACK, listener.getLocalPort()));
                keep.add(listener.accept());
            }
            long before = usedHeap();
            for (int i = first; i < n; i++) {
                keep.add(new Socket(LOOPBACK, listener.getLocalPort()));
                keep.add(listener.accept());
            }
            long after = usedHeap();
            result("many", (after - before) / (2.0 * (n - first)), "bytes/socket");
            for (Socket s : keep) {
                s.close();
            }
        }
    }

    /**
     * n idle client connections held open, their server in another process (a plain JVM, no agent): the heap per
     * tracked client connection, as an application with a connection pool sees it. The same slope as {@link #many}.
     */
    static void manyClient(int n) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process server = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "Workloads",
                "hold_server").redirectErrorStream(true).start();
        try {
            int port = Integer.parseInt(new java.io.BufferedReader(new java.io.InputStreamReader(
                    server.getInputStream())).readLine().trim());
            List<Socket> keep = new ArrayList<>(n);
            int first = n / 5;
            for (int i = 0; i < first; i++) {
                keep.add(new Socket(LOOPBACK, port));
            }
            long before = usedHeap();
            for (int i = first; i < n; i++) {
                keep.add(new Socket(LOOPBACK, port));
            }
            long after = usedHeap();
            result("many_client", (after - before) / (double) (n - first), "bytes/socket");
            for (Socket s : keep) {
                s.close();
            }
        } finally {
            server.destroy();
            server.waitFor();
        }
    }

    /** The server of {@link #manyClient}: prints its port, then accepts and holds every connection until killed. */
    static void holdServer() throws IOException {
        List<Socket> keep = new ArrayList<>();
        try (ServerSocket listener = new ServerSocket(0, 1024, LOOPBACK)) {
            System.out.println(listener.getLocalPort());
            System.out.flush();
            while (true) {
                keep.add(listener.accept());
            }
        }
    }

    static long usedHeap() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        // Two seconds first: an agent's per-connection work still queued for its own threads (the metrics of each
        // opening) is transient, not what a held connection costs.
        Thread.sleep(2000);
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    static void readFully(InputStream in, byte[] b) throws IOException {
        for (int off = 0; off < b.length; ) {
            int n = in.read(b, off, b.length - off);
            if (n < 0) {
                throw new IOException("end of stream");
            }
            off += n;
        }
    }
}
