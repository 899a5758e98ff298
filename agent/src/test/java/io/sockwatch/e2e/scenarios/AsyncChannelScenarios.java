package io.sockwatch.e2e.scenarios;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Connection endings on AsynchronousSocketChannel, both sides asynchronous (the server accepts with an
 * AsynchronousServerSocketChannel). Scenarios mix the two styles (CompletionHandler, Future) and the two paths
 * (completed at once, completed later on the group's event thread). Prints the SCENARIO lines of
 * {@link SocketScenarios}; every byte count is fixed so that the test can check it.
 */
public final class AsyncChannelScenarios {

    public static final List<String> ALL = List.of("peer_fin", "peer_fin_future", "linger_reset",
            "client_linger_reset",
            "unread_input_reset", "broken_pipe", "read_timeout", "idle_timeout", "local_close", "async_close",
            "refused", "half_close", "shutdown_input", "stale_pooled", "stale_reuse", "goodbye", "use_after_close",
            "listener_closed",
            "interrupted_close");

    private static final long WAIT = 5;

    private AsyncChannelScenarios() {
    }

    public static void main(String[] args) throws Exception {
        for (String name : args.length == 0 ? ALL : List.of(args)) {
            run(name);
        }
    }

    /** A handler that completes the CompletableFuture passed as the attachment. */
    private static <V> CompletionHandler<V, CompletableFuture<V>> toFuture() {
        return new CompletionHandler<>() {
            @Override
            public void completed(V result, CompletableFuture<V> future) {
                future.complete(result);
            }

            @Override
            public void failed(Throwable failure, CompletableFuture<V> future) {
                future.completeExceptionally(failure);
            }
        };
    }

    static void run(String name) throws Exception {
        try (AsynchronousServerSocketChannel listener = AsynchronousServerSocketChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            InetSocketAddress address = (InetSocketAddress) listener.getLocalAddress();
            int port = address.getPort();
            switch (name) {
                case "peer_fin" -> {
                    // Handler style throughout: connect, accept and the first read complete later, on the event thread.
                    AsynchronousSocketChannel client = AsynchronousSocketChannel.open();
                    CompletableFuture<Void> connected = new CompletableFuture<>();
                    client.connect(address, connected, toFuture());
                    CompletableFuture<AsynchronousSocketChannel> accepted = new CompletableFuture<>();
                    listener.accept(accepted, toFuture());
                    connected.get(WAIT, TimeUnit.SECONDS);
                    AsynchronousSocketChannel server = accepted.get(WAIT, TimeUnit.SECONDS);
                    ByteBuffer buffer = ByteBuffer.allocate(16);
                    CompletableFuture<Integer> first = new CompletableFuture<>();
                    client.read(buffer, first, toFuture()); // nothing sent yet: pending
                    Thread.sleep(50);
                    writeFully(server, "bye");
                    check(first.get(WAIT, TimeUnit.SECONDS) == 3, "read the 3 bytes");
                    server.close();
                    Thread.sleep(100);
                    buffer.clear();
                    CompletableFuture<Integer> end = new CompletableFuture<>();
                    client.read(buffer, end, toFuture()); // the FIN is there: completes at once
                    check(end.get(WAIT, TimeUnit.SECONDS) == -1, "end of stream");
                    int clientPort = localPort(client);
                    client.close();
                    report(name, clientPort, port);
                }
                case "peer_fin_future" -> {
                    AsynchronousSocketChannel client = AsynchronousSocketChannel.open();
                    client.connect(address).get(WAIT, TimeUnit.SECONDS);
                    AsynchronousSocketChannel server = listener.accept().get(WAIT, TimeUnit.SECONDS);
                    writeFully(client, "hello");
                    check(readExactly(server, 5) == 5, "server read the request");
                    writeFully(server, "world!");
                    server.close();
                    check(drain(client) == 6, "client read the response");
                    int clientPort = localPort(client);
                    client.close();
                    report(name, clientPort, port);
                }
                case "linger_reset" -> {
                    // AsynchronousSocketChannel has no SO_LINGER: the aborting server is a java.net.Socket.
                    try (ServerSocket classic = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                        AsynchronousSocketChannel client = connect((InetSocketAddress) classic.getLocalSocketAddress());
                        Socket server = classic.accept();
                        CompletableFuture<Integer> read = new CompletableFuture<>();
                        client.read(ByteBuffer.allocate(16), read, toFuture()); // pending when the RST arrives
                        Thread.sleep(50);
                        server.setSoLinger(true, 0);
                        server.close();
                        SocketScenarios.expectFailure(() -> read.get(WAIT, TimeUnit.SECONDS));
                        int clientPort = localPort(client);
                        client.close();
                        report(name, clientPort, classic.getLocalPort());
                    }
                }
                case "client_linger_reset" -> {
                    // The other way round: a java.net.Socket client aborts, the asynchronous server is reading.
                    Socket client = new Socket(InetAddress.getLoopbackAddress(), port);
                    AsynchronousSocketChannel server = listener.accept().get(WAIT, TimeUnit.SECONDS);
                    CompletableFuture<Integer> read = new CompletableFuture<>();
                    server.read(ByteBuffer.allocate(16), read, toFuture());
                    Thread.sleep(50);
                    int clientPort = client.getLocalPort();
                    client.setSoLinger(true, 0);
                    client.close();
                    SocketScenarios.expectFailure(() -> read.get(WAIT, TimeUnit.SECONDS));
                    server.close();
                    report(name, clientPort, port);
                }
                case "unread_input_reset" -> {
                    AsynchronousSocketChannel client = connect(address);
                    AsynchronousSocketChannel server = listener.accept().get(WAIT, TimeUnit.SECONDS);
                    client.write(ByteBuffer.allocate(100)).get(WAIT, TimeUnit.SECONDS);
                    Thread.sleep(100);
                    server.close(); // 100 bytes unread: the kernel answers with RST
                    Thread.sleep(100);
                    SocketScenarios.expectFailure(() -> client.read(ByteBuffer.allocate(16)).get(WAIT,
                            TimeUnit.SECONDS));
                    int clientPort = localPort(client);
                    client.close();
                    report(name, clientPort, port);
                }
                case "broken_pipe" -> {
                    AsynchronousSocketChannel client = connect(address);
                    AsynchronousSocketChannel server = listener.accept().get(WAIT, TimeUnit.SECONDS);
                    client.write(ByteBuffer.allocate(100)).get(WAIT, TimeUnit.SECONDS);
                    check(readExactly(server, 100) == 100, "server read the request");
                    server.close(); // FIN; the next write is answered with RST, the one after fails
                    Thread.sleep(100);
                    SocketScenarios.expectFailure(() -> {
                        for (int i = 0; i < 100; i++) {
                            client.write(ByteBuffer.allocate(1024)).get(WAIT, TimeUnit.SECONDS);
                            Thread.sleep(10);
                        }
                    });
                    int clientPort = localPort(client);
                    client.close();
                    report(name, clientPort, port);
                }
                case "read_timeout" -> {
                    AsynchronousSocketChannel client = connect(address);
                    AsynchronousSocketChannel server = listener.accept().get(WAIT, TimeUnit.SECONDS);
                    CompletableFuture<Integer> read = new CompletableFuture<>();
                    client.read(ByteBuffer.allocate(16), 200, TimeUnit.MILLISECONDS, read, toFuture());
                    SocketScenarios.expectFailure(() -> read.get(WAIT, TimeUnit.SECONDS)); // InterruptedByTimeout
                    int clientPort = localPort(client);
                    client.close();
                    check(drain(server) == 0, "nothing sent");
                    server.close();
                    report(name, clientPort, port);
                }
                case "idle_timeout" -> {
                    // The server gives up on a silent client: the timeout is on an accepted channel.
                    AsynchronousSocketChannel client = connect(address);
                    AsynchronousSocketChannel server = listener.accept().get(WAIT, TimeUnit.SECONDS);
                    CompletableFuture<Integer> clientRead = new CompletableFuture<>();
                    client.read(ByteBuffer.allocate(16), clientRead, toFuture());
                    CompletableFuture<Integer> serverRead = new CompletableFuture<>();
                    server.read(ByteBuffer.allocate(16), 200, TimeUnit.MILLISECONDS, serverRead, toFuture());
                    SocketScenarios.expectFailure(() -> serverRead.get(WAIT, TimeUnit.SECONDS));
                    server.close();
                    check(clientRead.get(WAIT, TimeUnit.SECONDS) == -1, "client sees the server's FIN");
                    int clientPort = localPort(client);
                    client.close();
                    report(name, clientPort, port);
                }
                case "local_close" -> {
                    AsynchronousSocketChannel client = connect(address);
                    AsynchronousSocketChannel server = listener.accept().get(WAIT, TimeUnit.SECONDS);
                    writeFully(client, "request");
                    int clientPort = localPort(client);
                    client.close();
                    check(drain(server) == 7, "server read the request");
                    server.close();
                    report(name, clientPort, port);
                }
                case "async_close" -> {
                    AsynchronousSocketChannel client = connect(address);
                    AsynchronousSocketChannel server = listener.accept().get(WAIT, TimeUnit.SECONDS);
                    CompletableFuture<Integer> read = new CompletableFuture<>();
                    client.read(ByteBuffer.allocate(16), read, toFuture());
                    Thread.sleep(100);
                    int clientPort = localPort(client);
                    client.close(); // the pending read fails with AsynchronousCloseException
                    SocketScenarios.expectFailure(() -> read.get(WAIT, TimeUnit.SECONDS));
                    check(drain(server) == 0, "nothing sent");
                    server.close();
                    report(name, clientPort, port);
                }
                case "interrupted_close" -> {
                    // An interrupt never closes an asynchronous channel: a thread that happens to be interrupted
                    // closing one is an ordinary close.
                    AsynchronousSocketChannel client = connect(address);
                    AsynchronousSocketChannel server = listener.accept().get(WAIT, TimeUnit.SECONDS);
                    int clientPort = localPort(client);
                    Thread.currentThread().interrupt();
                    try {
                        client.close();
                    } finally {
                        check(Thread.interrupted(), "the close left the interrupt flag alone");
                    }
                    check(drain(server) == 0, "nothing sent");
                    server.close();
                    report(name, clientPort, port);
                }
                case "refused" -> {
                    listener.close();
                    AsynchronousSocketChannel client = AsynchronousSocketChannel.open();
                    CompletableFuture<Void> connected = new CompletableFuture<>();
                    client.connect(address, connected, toFuture());
                    SocketScenarios.expectFailure(() -> connected.get(WAIT, TimeUnit.SECONDS));
                    check(!client.isOpen(), "the JDK closes a channel whose connect failed");
                    report(name, 0, port);
                }
                case "half_close" -> {
                    AsynchronousSocketChannel client = connect(address);
                    AsynchronousSocketChannel server = listener.accept().get(WAIT, TimeUnit.SECONDS);
                    writeFully(client, "request");
                    client.shutdownOutput();
                    check(drain(server) == 7, "server read the request");
                    writeFully(server, "response");
                    server.close();
                    check(drain(client) == 8, "client read the response");
                    int clientPort = localPort(client);
                    client.close();
                    report(name, clientPort, port);
                }
                case "shutdown_input" -> {
                    // Our shutdownInput wakes the pending read with -1, on the event thread, maybe before it returns.
                    AsynchronousSocketChannel client = connect(address);
                    AsynchronousSocketChannel server = listener.accept().get(WAIT, TimeUnit.SECONDS);
                    CompletableFuture<Integer> read = new CompletableFuture<>();
                    client.read(ByteBuffer.allocate(16), read, toFuture());
                    Thread.sleep(50);
                    client.shutdownInput();
                    check(read.get(WAIT, TimeUnit.SECONDS) == -1, "the pending read ends");
                    int clientPort = localPort(client);
                    client.close();
                    check(drain(server) == 0, "nothing sent");
                    server.close();
                    report(name, clientPort, port);
                }
                case "stale_pooled" -> {
                    AsynchronousSocketChannel client = connect(address);
                    listener.accept().get(WAIT, TimeUnit.SECONDS).close();
                    Thread.sleep(100);
                    int clientPort = localPort(client);
                    client.close(); // never read the FIN
                    report(name, clientPort, port);
                }
                case "stale_reuse" -> {
                    AsynchronousSocketChannel client = connect(address);
                    AsynchronousSocketChannel server = listener.accept().get(WAIT, TimeUnit.SECONDS);
                    int clientPort = localPort(client);
                    writeFully(client, "ping");
                    check(readExactly(server, 4) == 4, "server read the ping");
                    writeFully(server, "pong");
                    check(readExactly(client, 4) == 4, "client read the pong");
                    server.close(); // while the client sits idle longer than the reuse threshold
                    Thread.sleep(1300);
                    writeFully(client, "ping");
                    CompletableFuture<Integer> read = new CompletableFuture<>();
                    client.read(ByteBuffer.allocate(16), read, toFuture()); // the reset, or end of stream
                    try {
                        read.get(WAIT, TimeUnit.SECONDS);
                    } catch (java.util.concurrent.ExecutionException expected) {
                        System.out.println("  " + expected.getCause());
                    }
                    client.close();
                    report(name, clientPort, port);
                }
                case "goodbye" -> {
                    AsynchronousSocketChannel client = connect(address);
                    AsynchronousSocketChannel server = listener.accept().get(WAIT, TimeUnit.SECONDS);
                    int clientPort = localPort(client);
                    writeFully(client, "QUIT");
                    check(readExactly(server, 4) == 4, "server read the goodbye");
                    server.close();
                    Thread.sleep(100);
                    client.close(); // never read the end of stream
                    report(name, clientPort, port);
                }
                case "use_after_close" -> {
                    AsynchronousSocketChannel client = connect(address);
                    AsynchronousSocketChannel server = listener.accept().get(WAIT, TimeUnit.SECONDS);
                    int clientPort = localPort(client);
                    client.close();
                    CompletableFuture<Integer> read = new CompletableFuture<>();
                    client.read(ByteBuffer.allocate(16), read, toFuture()); // ClosedChannelException
                    SocketScenarios.expectFailure(() -> read.get(WAIT, TimeUnit.SECONDS));
                    check(drain(server) == 0, "nothing sent");
                    server.close();
                    report(name, clientPort, port);
                }
                case "listener_closed" -> {
                    CompletableFuture<AsynchronousSocketChannel> accepted = new CompletableFuture<>();
                    listener.accept(accepted, toFuture());
                    Thread.sleep(100);
                    listener.close(); // the pending accept fails with AsynchronousCloseException
                    SocketScenarios.expectFailure(() -> accepted.get(WAIT, TimeUnit.SECONDS));
                    report(name, 0, port);
                }
                default -> throw new IllegalArgumentException("unknown scenario " + name);
            }
        }
    }

    private static AsynchronousSocketChannel connect(InetSocketAddress address) throws Exception {
        AsynchronousSocketChannel client = AsynchronousSocketChannel.open();
        client.connect(address).get(WAIT, TimeUnit.SECONDS);
        return client;
    }

    private static void writeFully(AsynchronousSocketChannel channel, String text) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
        while (b.hasRemaining()) {
            channel.write(b).get(WAIT, TimeUnit.SECONDS);
        }
    }

    private static int readExactly(AsynchronousSocketChannel channel, int n) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (channel.read(b).get(WAIT, TimeUnit.SECONDS) < 0) {
                break;
            }
        }
        return b.position();
    }

    /** Reads to end of stream with Futures; returns the byte count. */
    private static int drain(AsynchronousSocketChannel channel) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(1024);
        int total = 0;
        for (int n; (n = channel.read(b).get(WAIT, TimeUnit.SECONDS)) != -1; ) {
            total += n;
            b.clear();
        }
        return total;
    }

    private static int localPort(AsynchronousSocketChannel channel) throws IOException {
        return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError("scenario broken: " + what);
        }
    }

    private static void report(String name, int clientPort, int serverPort) {
        SocketScenarios.report(name, clientPort, serverPort);
    }
}
