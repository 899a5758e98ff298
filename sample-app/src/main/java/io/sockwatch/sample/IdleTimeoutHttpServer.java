package io.sockwatch.sample;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A small HTTP/1.1 server with persistent connections and a keep-alive timeout, the way Tomcat's
 * {@code keepAliveTimeout} works: between two requests it waits at most {@code idleTimeoutMs} for the next
 * one (a read timeout on the connection), then closes the connection. Every request gets {@code 200 OK}.
 */
final class IdleTimeoutHttpServer implements AutoCloseable {

    static final String BODY = "hello from the sockwatch sample app\n";

    private final int idleTimeoutMs;
    private final ServerSocket listener;
    private final Thread acceptor;
    private volatile boolean running = true;
    /** How each connection ended, by the client's port: {@code idle_timeout}, {@code client_closed}, or an error. */
    private final Map<Integer, String> endings = new ConcurrentHashMap<>();
    private final Map<Integer, CountDownLatch> ended = new ConcurrentHashMap<>();

    IdleTimeoutHttpServer(int idleTimeoutMs) throws IOException {
        this.idleTimeoutMs = idleTimeoutMs;
        this.listener = Loopback.listen();
        // accept() with a short timeout and a flag, so that stopping never closes the listener under a blocked
        // accept (an accept timeout is ordinary; an accept torn down by close is a failure worth reporting)
        listener.setSoTimeout(50);
        this.acceptor = new Thread(this::acceptLoop, "http-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    private void acceptLoop() {
        while (running) {
            Socket connection;
            try {
                connection = listener.accept();
            } catch (SocketTimeoutException e) {
                continue;
            } catch (IOException e) {
                return;
            }
            latch(connection.getPort());
            Thread worker = new Thread(() -> serve(connection), "http-worker-" + connection.getPort());
            worker.setDaemon(true);
            worker.start();
        }
    }

    private void serve(Socket connection) {
        int clientPort = connection.getPort();
        String ending = "client_closed";
        try (connection) {
            connection.setSoTimeout(idleTimeoutMs);
            InputStream in = new BufferedInputStream(connection.getInputStream());
            OutputStream out = connection.getOutputStream();
            while (true) {
                String requestLine;
                try {
                    requestLine = readRequestHead(in);
                } catch (SocketTimeoutException idle) {
                    ending = "idle_timeout"; // no request within the keep-alive timeout: close it
                    break;
                }
                if (requestLine == null) {
                    break; // the client closed its pooled connection
                }
                byte[] body = BODY.getBytes(StandardCharsets.US_ASCII);
                String head = "HTTP/1.1 200 OK\r\n"
                        + "Content-Type: text/plain\r\n"
                        + "Content-Length: " + body.length + "\r\n"
                        + "Connection: keep-alive\r\n"
                        + "Keep-Alive: timeout=" + Math.max(1, idleTimeoutMs / 1000) + "\r\n"
                        + "\r\n";
                out.write(head.getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
            }
        } catch (IOException e) {
            ending = Loopback.describe(e);
        } finally {
            // recorded after the close, so whoever waits for it knows the FIN is on its way
            endings.put(clientPort, ending);
            latch(clientPort).countDown();
        }
    }

    /** Reads a request head up to the blank line; returns its first line, or null at end of stream before it. */
    static String readRequestHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int matched = 0; // how much of "\r\n\r\n" was just seen
        for (int c; (c = in.read()) >= 0; ) {
            head.append((char) c);
            matched = (c == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (c == '\r' ? 1 : 0);
            if (matched == 4) {
                int eol = head.indexOf("\r\n");
                return head.substring(0, eol);
            }
        }
        if (head.length() == 0) {
            return null;
        }
        throw new IOException("end of stream inside a request head");
    }

    private CountDownLatch latch(int clientPort) {
        return ended.computeIfAbsent(clientPort, p -> new CountDownLatch(1));
    }

    /** Waits until the server has closed the connection from {@code clientPort}; returns why it closed it. */
    String awaitEnd(int clientPort) throws InterruptedException, TimeoutException {
        if (!latch(clientPort).await(Loopback.WAIT_MS, TimeUnit.MILLISECONDS)) {
            throw new TimeoutException("the HTTP server did not close the connection from port " + clientPort);
        }
        return endings.get(clientPort);
    }

    @Override
    public void close() throws IOException {
        running = false;
        try {
            acceptor.join(Loopback.WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        listener.close();
    }
}
