package io.sockwatch.sample;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/** Small helpers shared by the scenarios: everything binds to 127.0.0.1 on an ephemeral port. */
final class Loopback {

    /** Upper bound of every wait in a scenario; a scenario that needs it has failed. */
    static final long WAIT_MS = 5_000;

    static final InetAddress ADDRESS;

    static {
        try {
            ADDRESS = InetAddress.getByAddress("127.0.0.1", new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Loopback() {
    }

    static ServerSocket listen() throws IOException {
        ServerSocket listener = new ServerSocket();
        listener.bind(new InetSocketAddress(ADDRESS, 0), 50);
        return listener;
    }

    static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(ADDRESS, port), (int) WAIT_MS);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /** A port nobody listens on: bound, read, released (the kernel answers a SYN to it with RST). */
    static int closedPort() throws IOException {
        try (ServerSocket s = listen()) {
            return s.getLocalPort();
        }
    }

    /** Reads until end of stream; returns the number of bytes read. */
    static long readToEof(InputStream in) throws IOException {
        byte[] buffer = new byte[8192];
        long total = 0;
        for (int n; (n = in.read(buffer)) >= 0; ) {
            total += n;
        }
        return total;
    }

    /** Polls {@code condition} every few milliseconds until it holds or {@link #WAIT_MS} passes. */
    static void await(String what, BooleanSupplier condition) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + WAIT_MS * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("gave up waiting for " + what + " after " + WAIT_MS + " ms");
            }
            Thread.sleep(5);
        }
    }

    /** {@code Type: message} of an exception, as an application log would show it. */
    static String describe(Throwable t) {
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
