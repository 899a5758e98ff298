package io.sockwatch.e2e.scenarios;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code Churn <connections per second> <seconds> <burst> <linger millis>}: opens and closes loopback connections
 * at a steady rate (client and server in this JVM, so two endings each), then holds {@code burst} connections
 * open and closes them all at once, then stays alive {@code linger} ms. Prints {@code CHURN connections=N} and
 * {@code MAIN_END <epoch millis>}: the spans the agent must account for are 2 N. Every second of the steady
 * phase it prints {@code PROGRESS connections=N}.
 */
public final class Churn {

    private Churn() {
    }

    public static void main(String[] args) throws Exception {
        int rate = Integer.parseInt(args[0]);
        int seconds = Integer.parseInt(args[1]);
        int burst = Integer.parseInt(args[2]);
        long linger = Long.parseLong(args[3]);
        long connections = 0;
        byte[] request = new byte[16];
        try (ServerSocket server = new ServerSocket(0, 4096, InetAddress.getLoopbackAddress())) {
            long start = System.nanoTime();
            long total = (long) rate * seconds;
            for (long i = 0; i < total; i++) {
                // Paced against the wall clock: a slow moment is caught up, the average rate is the one asked.
                long due = start + i * TimeUnit.SECONDS.toNanos(1) / rate;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                try (Socket client = new Socket(server.getInetAddress(), server.getLocalPort());
                     Socket accepted = server.accept()) {
                    client.getOutputStream().write(request);
                    readFully(accepted.getInputStream(), request.length);
                    accepted.getOutputStream().write(request);
                    readFully(client.getInputStream(), request.length);
                }
                connections++;
                if (i % rate == 0 && i > 0) {
                    System.out.println("PROGRESS connections=" + connections); // for bench/soak.py
                }
            }
            List<Socket> held = new ArrayList<>();
            for (int i = 0; i < burst; i++) {
                held.add(new Socket(server.getInetAddress(), server.getLocalPort()));
                held.add(server.accept());
            }
            for (Socket s : held) {
                s.close();
            }
            connections += burst;
        }
        System.out.println("CHURN connections=" + connections);
        Thread.sleep(linger);
        System.out.println("MAIN_END " + System.currentTimeMillis());
    }

    private static void readFully(InputStream in, int n) throws java.io.IOException {
        for (int read = 0; read < n; ) {
            int r = in.read(new byte[n - read]);
            if (r < 0) {
                throw new java.io.EOFException();
            }
            read += r;
        }
    }
}
