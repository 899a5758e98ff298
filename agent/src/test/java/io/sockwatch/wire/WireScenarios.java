package io.sockwatch.wire;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import jdk.net.ExtendedSocketOptions;

/**
 * One side of one wire scenario, run inside a network namespace: {@code server SCENARIO PORT} or
 * {@code client SCENARIO API HOST PORT} (API {@code socket} or {@code channel}). The server prints {@code LISTENING}
 * when it accepts connections; the client prints {@code CLIENT_PORT=<port>} once connected and {@code DONE} at the
 * end. The test drives the network (firewall rules) between the two through files: the client waits for
 * {@code <marker>} files where a scenario needs the network changed mid-connection.
 */
public final class WireScenarios {

    private WireScenarios() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("server")) {
            server(args[1], Integer.parseInt(args[2]));
        } else {
            client(args[1], args[2], args[3], Integer.parseInt(args[4]));
        }
        System.out.println("DONE");
    }

    static void server(String scenario, int port) throws Exception {
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), port));
            System.out.println("LISTENING");
            try (Socket s = listener.accept()) {
                s.setSoTimeout(10_000);
                InputStream in = s.getInputStream();
                switch (scenario) {
                    case "peer_fin", "stale_pooled" -> s.getOutputStream().write("bye".getBytes());
                    case "stale_reuse" -> { // one exchange, then the server closes the idle connection
                        in.readNBytes(4);
                        s.getOutputStream().write("pong".getBytes());
                    }
                    case "goodbye" -> in.readNBytes(4); // QUIT: the server closes on it
                    case "linger_rst" -> s.setSoLinger(true, 0);
                    case "unread_rst", "broken_pipe" -> Thread.sleep(500); // the client's bytes stay unread
                    case "local_close", "read_timeout", "half_close", "async_close", "shutdown_input",
                         "use_after_close", "interrupt", "leaked" -> {
                        drainQuietly(in);
                        if (scenario.equals("half_close")) {
                            s.getOutputStream().write("response".getBytes());
                        }
                    }
                    case "middlebox_rst", "keepalive" -> drainQuietly(in); // ends by timeout or the process ending
                    default -> throw new IllegalArgumentException(scenario);
                }
            }
        }
    }

    static void client(String scenario, String api, String host, int port) throws Exception {
        InetSocketAddress server = new InetSocketAddress(host, port);
        if (scenario.equals("leaked")) {
            leakedClient(server, api);
            return;
        }
        if (api.equals("channel")) {
            channelClient(scenario, server);
            return;
        }
        Socket s = new Socket();
        try {
            s.connect(server, 1500);
        } catch (IOException e) {
            System.out.println("CONNECT_FAILED " + e);
            s.close();
            return;
        }
        System.out.println("CLIENT_PORT=" + s.getLocalPort());
        InputStream in = s.getInputStream();
        switch (scenario) {
            case "peer_fin" -> drainQuietly(in);
            case "linger_rst", "unread_rst" -> {
                if (scenario.equals("unread_rst")) {
                    s.getOutputStream().write(new byte[100]);
                }
                drainQuietly(in);
            }
            case "broken_pipe" -> {
                s.getOutputStream().write(new byte[100]);
                Thread.sleep(1000); // the server closed with our bytes unread: RST
                try {
                    for (int i = 0; i < 50; i++) {
                        s.getOutputStream().write(new byte[1024]);
                        Thread.sleep(20);
                    }
                } catch (IOException e) {
                    System.out.println("  " + e);
                }
            }
            case "local_close" -> s.getOutputStream().write("hello".getBytes());
            case "half_close" -> {
                s.getOutputStream().write("request".getBytes());
                s.shutdownOutput();
                drainQuietly(in);
            }
            case "read_timeout" -> {
                s.setSoTimeout(300);
                try {
                    in.read();
                } catch (SocketTimeoutException expected) {
                    System.out.println("  " + expected);
                }
            }
            case "stale_pooled" -> Thread.sleep(700); // the server's FIN arrives and is never read
            case "stale_reuse" -> {
                s.getOutputStream().write("ping".getBytes());
                in.readNBytes(4);
                Thread.sleep(1300); // idle past sockwatch.reuse.idle_threshold; the server closes meanwhile
                s.getOutputStream().write("ping".getBytes()); // checked first: the peer's FIN is there
                drainQuietly(in);
            }
            case "goodbye" -> {
                s.getOutputStream().write("QUIT".getBytes());
                Thread.sleep(300); // the server's FIN arrives; the client closes without reading
            }
            case "async_close" -> {
                Thread reader = new Thread(() -> drainQuietly(in));
                reader.start();
                Thread.sleep(300); // blocked in read
                s.close();
                reader.join(5000);
            }
            case "shutdown_input" -> {
                s.shutdownInput(); // nothing on the wire; our own reads now end
                System.out.println("  read after shutdownInput " + in.read());
            }
            case "use_after_close" -> {
                s.close();
                drainQuietly(in); // "Socket closed"
            }
            case "middlebox_rst" -> {
                awaitMarker("firewall");
                try {
                    s.getOutputStream().write("request".getBytes());
                    s.setSoTimeout(5000);
                    drainQuietly(in);
                } catch (IOException e) {
                    System.out.println("  " + e);
                }
            }
            case "keepalive" -> {
                s.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
                s.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, 1);
                s.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, 1);
                s.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, 2);
                awaitMarker("firewall");
                drainQuietly(in); // "Connection timed out" once the probes go unanswered
            }
            default -> throw new IllegalArgumentException(scenario);
        }
        s.close();
    }

    static void channelClient(String scenario, InetSocketAddress server) throws Exception {
        SocketChannel c;
        try {
            c = SocketChannel.open();
            c.socket().connect(server, 1500);
        } catch (IOException e) {
            System.out.println("CONNECT_FAILED " + e);
            return;
        }
        System.out.println("CLIENT_PORT=" + ((InetSocketAddress) c.getLocalAddress()).getPort());
        switch (scenario) {
            case "peer_fin", "linger_rst" -> drainQuietly(c);
            case "unread_rst" -> {
                c.write(ByteBuffer.allocate(100));
                drainQuietly(c);
            }
            case "broken_pipe" -> {
                c.write(ByteBuffer.allocate(100));
                Thread.sleep(1000);
                try {
                    for (int i = 0; i < 50; i++) {
                        c.write(ByteBuffer.allocate(1024));
                        Thread.sleep(20);
                    }
                } catch (IOException e) {
                    System.out.println("  " + e);
                }
            }
            case "local_close" -> c.write(ByteBuffer.wrap("hello".getBytes()));
            case "half_close" -> {
                c.write(ByteBuffer.wrap("request".getBytes()));
                c.shutdownOutput();
                drainQuietly(c);
            }
            case "read_timeout" -> {
                c.socket().setSoTimeout(300);
                try {
                    c.socket().getInputStream().read();
                } catch (SocketTimeoutException expected) {
                    System.out.println("  " + expected);
                }
            }
            case "stale_pooled" -> Thread.sleep(700);
            case "stale_reuse" -> {
                c.write(ByteBuffer.wrap("ping".getBytes()));
                c.read(ByteBuffer.allocate(4));
                Thread.sleep(1300);
                c.write(ByteBuffer.wrap("ping".getBytes()));
                drainQuietly(c);
            }
            case "goodbye" -> {
                c.write(ByteBuffer.wrap("QUIT".getBytes()));
                Thread.sleep(300);
            }
            case "async_close", "interrupt" -> {
                Thread reader = new Thread(() -> drainQuietly(c));
                reader.start();
                Thread.sleep(300);
                if (scenario.equals("interrupt")) {
                    reader.interrupt(); // ClosedByInterruptException: the JDK closes the channel
                } else {
                    c.close();
                }
                reader.join(5000);
            }
            case "shutdown_input" -> {
                c.shutdownInput();
                System.out.println("  read after shutdownInput " + c.read(ByteBuffer.allocate(1)));
            }
            case "use_after_close" -> {
                c.close();
                drainQuietly(c); // ClosedChannelException
            }
            case "middlebox_rst" -> {
                awaitMarker("firewall");
                try {
                    c.write(ByteBuffer.wrap("request".getBytes()));
                    drainQuietly(c);
                } catch (IOException e) {
                    System.out.println("  " + e);
                }
            }
            case "keepalive" -> {
                c.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
                c.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, 1);
                c.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, 1);
                c.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, 2);
                awaitMarker("firewall");
                drainQuietly(c);
            }
            default -> throw new IllegalArgumentException(scenario);
        }
        c.close();
    }

    /** Opens a connection and drops it without close(): the collector finds it and the JDK's cleaner closes it. */
    static void leakedClient(InetSocketAddress server, String api) throws Exception {
        int port = openAndDrop(server, api);
        System.out.println("CLIENT_PORT=" + port);
        for (int i = 0; i < 30; i++) {
            System.gc();
            Thread.sleep(100);
        }
    }

    static int openAndDrop(InetSocketAddress server, String api) throws IOException {
        if (api.equals("channel")) {
            SocketChannel c = SocketChannel.open(server);
            return ((InetSocketAddress) c.getLocalAddress()).getPort();
        }
        Socket s = new Socket();
        s.connect(server, 1500);
        return s.getLocalPort();
    }

    /** Waits (bounded) for the test to create a marker file next to the working directory. */
    static void awaitMarker(String name) throws Exception {
        System.out.println("WAITING " + name);
        java.nio.file.Path marker = java.nio.file.Path.of(System.getProperty("wire.markers", "."), name);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!java.nio.file.Files.exists(marker) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    static void drainQuietly(InputStream in) {
        try {
            byte[] b = new byte[1024];
            while (in.read(b) != -1) {
                // until end of stream
            }
        } catch (IOException e) {
            System.out.println("  " + e);
        }
    }

    static void drainQuietly(SocketChannel c) {
        try {
            ByteBuffer b = ByteBuffer.allocate(1024);
            while (c.read(b) != -1) {
                b.clear();
            }
        } catch (IOException e) {
            System.out.println("  " + e);
        }
    }
}
