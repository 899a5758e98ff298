package io.sockwatch.e2e.scenarios;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The same endings as {@link SocketScenarios} on SocketChannel (blocking, plus a non-blocking connect), and an
 * interrupt of a thread blocked in read. Prints the same SCENARIO lines.
 */
public final class ChannelScenarios {

    public static final List<String> ALL = List.of("peer_fin", "linger_reset", "unread_input_reset", "broken_pipe",
            "use_after_close", "refused", "half_close", "async_close", "interrupt", "nonblocking_peer_fin", "stale_pooled", "stale_reuse", "goodbye", "listener_closed");

    private ChannelScenarios() {
    }

    public static void main(String[] args) throws Exception {
        for (String name : args.length == 0 ? ALL : List.of(args)) {
            run(name);
        }
    }

    static void run(String name) throws Exception {
        try (ServerSocketChannel listener = ServerSocketChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            InetSocketAddress address = (InetSocketAddress) listener.getLocalAddress();
            int port = address.getPort();
            switch (name) {
                case "peer_fin" -> {
                    SocketChannel client = SocketChannel.open(address);
                    int clientPort = localPort(client);
                    try (SocketChannel server = listener.accept()) {
                        server.write(ByteBuffer.wrap("bye".getBytes()));
                    }
                    drain(client);
                    client.close();
                    report(name, clientPort, port);
                }
                case "linger_reset" -> {
                    SocketChannel client = SocketChannel.open(address);
                    int clientPort = localPort(client);
                    SocketChannel server = listener.accept();
                    server.setOption(StandardSocketOptions.SO_LINGER, 0);
                    server.close();
                    SocketScenarios.expectFailure(() -> client.read(ByteBuffer.allocate(16)));
                    client.close();
                    report(name, clientPort, port);
                }
                case "unread_input_reset" -> {
                    SocketChannel client = SocketChannel.open(address);
                    int clientPort = localPort(client);
                    SocketChannel server = listener.accept();
                    client.write(ByteBuffer.allocate(100));
                    awaitReadable(server, 100);
                    server.close();
                    SocketScenarios.expectFailure(() -> client.read(ByteBuffer.allocate(16)));
                    client.close();
                    report(name, clientPort, port);
                }
                case "broken_pipe" -> {
                    SocketChannel client = SocketChannel.open(address);
                    int clientPort = localPort(client);
                    SocketChannel server = listener.accept();
                    client.write(ByteBuffer.allocate(100));
                    awaitReadable(server, 100);
                    server.close();
                    Thread.sleep(100);
                    SocketScenarios.expectFailure(() -> {
                        for (int i = 0; i < 100; i++) {
                            client.write(ByteBuffer.allocate(1024));
                            Thread.sleep(10);
                        }
                    });
                    client.close();
                    report(name, clientPort, port);
                }
                case "use_after_close" -> {
                    SocketChannel client = SocketChannel.open(address);
                    int clientPort = localPort(client);
                    SocketChannel server = listener.accept();
                    client.close();
                    SocketScenarios.expectFailure(() -> client.read(ByteBuffer.allocate(1))); // ClosedChannelException
                    drain(server);
                    server.close();
                    report(name, clientPort, port);
                }
                case "refused" -> {
                    listener.close();
                    SocketScenarios.expectFailure(() -> SocketChannel.open(address));
                    System.out.println("SCENARIO " + name + " client_port=0 server_port=" + port);
                }
                case "half_close" -> {
                    SocketChannel client = SocketChannel.open(address);
                    int clientPort = localPort(client);
                    SocketChannel server = listener.accept();
                    client.write(ByteBuffer.wrap("request".getBytes()));
                    client.shutdownOutput();
                    drain(server);
                    server.write(ByteBuffer.wrap("response".getBytes()));
                    server.close();
                    drain(client);
                    client.close();
                    report(name, clientPort, port);
                }
                case "async_close", "interrupt" -> {
                    SocketChannel client = SocketChannel.open(address);
                    int clientPort = localPort(client);
                    SocketChannel server = listener.accept();
                    CountDownLatch reading = new CountDownLatch(1);
                    Thread reader = new Thread(() -> {
                        reading.countDown();
                        SocketScenarios.expectFailure(() -> client.read(ByteBuffer.allocate(16)));
                    });
                    reader.start();
                    reading.await();
                    Thread.sleep(200);
                    if (name.equals("interrupt")) {
                        reader.interrupt(); // ClosedByInterruptException: the JDK closes the channel
                    } else {
                        client.close(); // AsynchronousCloseException in the reader
                    }
                    reader.join(5000);
                    client.close();
                    drain(server);
                    server.close();
                    report(name, clientPort, port);
                }
                case "nonblocking_peer_fin" -> {
                    SocketChannel client = SocketChannel.open();
                    client.configureBlocking(false);
                    client.connect(address);
                    SocketChannel server = listener.accept();
                    while (!client.finishConnect()) {
                        Thread.sleep(1);
                    }
                    int clientPort = localPort(client);
                    server.write(ByteBuffer.wrap("bye".getBytes()));
                    server.close();
                    ByteBuffer b = ByteBuffer.allocate(16);
                    while (client.read(b) != -1) { // 0 while nothing is there: not end of stream
                        b.clear();
                        Thread.sleep(1);
                    }
                    client.close();
                    report(name, clientPort, port);
                }
                case "stale_pooled" -> {
                    SocketChannel client = SocketChannel.open(address);
                    int clientPort = localPort(client);
                    listener.accept().close();
                    Thread.sleep(100);
                    client.close();
                    report(name, clientPort, port);
                }
                case "stale_reuse" -> {
                    SocketChannel client = SocketChannel.open(address);
                    int clientPort = localPort(client);
                    SocketChannel server = listener.accept();
                    client.write(ByteBuffer.wrap("ping".getBytes()));
                    server.read(ByteBuffer.allocate(4));
                    server.write(ByteBuffer.wrap("pong".getBytes()));
                    client.read(ByteBuffer.allocate(4));
                    server.close();
                    Thread.sleep(1300);
                    client.write(ByteBuffer.wrap("ping".getBytes()));
                    SocketScenarios.expectFailureOrEnd(() -> client.read(ByteBuffer.allocate(4)));
                    client.close();
                    report(name, clientPort, port);
                }
                case "goodbye" -> {
                    SocketChannel client = SocketChannel.open(address);
                    int clientPort = localPort(client);
                    SocketChannel server = listener.accept();
                    client.write(ByteBuffer.wrap("QUIT".getBytes()));
                    server.read(ByteBuffer.allocate(4));
                    server.close();
                    Thread.sleep(100);
                    client.close();
                    report(name, clientPort, port);
                }
                case "listener_closed" -> {
                    Thread acceptor = new Thread(() -> SocketScenarios.expectFailure(listener::accept));
                    acceptor.start();
                    Thread.sleep(200);
                    listener.close();
                    acceptor.join(5000);
                    System.out.println("SCENARIO " + name + " client_port=0 server_port=" + port);
                }
                default -> throw new IllegalArgumentException("unknown scenario " + name);
            }
        }
    }

    static int localPort(SocketChannel channel) throws IOException {
        return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    }

    static void drain(SocketChannel channel) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(1024);
        while (channel.read(b) != -1) {
            b.clear();
        }
    }

    static void awaitReadable(SocketChannel channel, int n) throws Exception {
        Thread.sleep(100); // loopback delivers at once; a channel has no available()
    }

    static void report(String name, int clientPort, int serverPort) {
        SocketScenarios.report(name, clientPort, serverPort);
    }
}
