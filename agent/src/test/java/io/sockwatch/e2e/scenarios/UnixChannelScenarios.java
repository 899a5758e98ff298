package io.sockwatch.e2e.scenarios;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Connection endings on Unix domain SocketChannels (JDK 16+), one socket file per scenario. There are no packets
 * and no RST on AF_UNIX: when a peer closes with data of ours unread, Linux reports ECONNRESET to our next read
 * ({@code SocketException: Connection reset}), and any write after the peer closed fails with EPIPE. Prints
 * {@code SCENARIO name path=/the/socket/file}.
 */
public final class UnixChannelScenarios {

    public static final List<String> ALL = List.of("peer_fin", "local_close", "async_close", "interrupt",
            "unread_input_reset", "broken_pipe", "stale_pooled", "stale_reuse", "goodbye", "refused");

    private UnixChannelScenarios() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("sockwatch-unix-");
        try {
            for (String name : args.length == 0 ? ALL : List.of(args)) {
                run(name, dir.resolve(name + ".sock"));
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    static void run(String name, Path path) throws Exception {
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(path);
        try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(address)) {
            switch (name) {
                case "peer_fin" -> {
                    SocketChannel client = SocketChannel.open(address);
                    try (SocketChannel server = listener.accept()) {
                        server.write(ascii("bye"));
                    }
                    check(drain(client) == 3, "client read the 3 bytes");
                    client.close();
                }
                case "local_close" -> {
                    SocketChannel client = SocketChannel.open(address);
                    SocketChannel server = listener.accept();
                    client.write(ascii("request"));
                    client.close();
                    check(drain(server) == 7, "server read the request");
                    server.close();
                }
                case "async_close", "interrupt" -> {
                    SocketChannel client = SocketChannel.open(address);
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
                    check(drain(server) == 0, "nothing sent");
                    server.close();
                }
                case "unread_input_reset" -> {
                    SocketChannel client = SocketChannel.open(address);
                    SocketChannel server = listener.accept();
                    client.write(ByteBuffer.allocate(10));
                    Thread.sleep(50);
                    server.close(); // 10 bytes unread: the client's next read gets ECONNRESET
                    SocketScenarios.expectFailure(() -> client.read(ByteBuffer.allocate(16)));
                    client.close();
                }
                case "broken_pipe" -> {
                    SocketChannel client = SocketChannel.open(address);
                    SocketChannel server = listener.accept();
                    server.close(); // nothing unread: an orderly close
                    Thread.sleep(50);
                    SocketScenarios.expectFailure(() -> client.write(ascii("late"))); // EPIPE at once
                    client.close();
                }
                case "stale_pooled" -> {
                    SocketChannel client = SocketChannel.open(address);
                    listener.accept().close();
                    Thread.sleep(100);
                    client.close(); // never read the end of stream
                }
                case "stale_reuse" -> {
                    SocketChannel client = SocketChannel.open(address);
                    SocketChannel server = listener.accept();
                    client.write(ascii("ping"));
                    server.read(ByteBuffer.allocate(4));
                    server.close(); // while the client sits idle longer than the reuse threshold
                    Thread.sleep(1300);
                    SocketScenarios.expectFailure(() -> client.write(ascii("ping"))); // EPIPE at once
                    client.close();
                }
                case "goodbye" -> {
                    SocketChannel client = SocketChannel.open(address);
                    SocketChannel server = listener.accept();
                    client.write(ascii("QUIT"));
                    check(server.read(ByteBuffer.allocate(4)) == 4, "server read the goodbye");
                    server.close();
                    Thread.sleep(100);
                    client.close(); // never read the end of stream
                }
                case "refused" -> {
                    listener.close(); // the socket file stays: nobody listens on it
                    check(Files.exists(path), "the socket file outlives its listener");
                    SocketScenarios.expectFailure(() -> SocketChannel.open(address));
                }
                default -> throw new IllegalArgumentException("unknown scenario " + name);
            }
        }
        System.out.println("SCENARIO " + name + " path=" + path);
    }

    private static ByteBuffer ascii(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static int drain(SocketChannel channel) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(1024);
        int total = 0;
        for (int n; (n = channel.read(b)) != -1; ) {
            total += n;
            b.clear();
        }
        return total;
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError("scenario broken: " + what);
        }
    }
}
