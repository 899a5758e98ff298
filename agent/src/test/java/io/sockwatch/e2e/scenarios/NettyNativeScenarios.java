package io.sockwatch.e2e.scenarios;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.Version;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Raw Netty on a native transport ({@code epoll}, or {@code io_uring} on Netty 4.2), client and server in this JVM
 * over loopback, ending connections each way. The transport is the first argument; the classes are loaded by name,
 * so that one program runs on Netty 4.1 and 4.2 (io_uring is 4.2's). Prints {@code NETTY transport=<t>
 * version=<netty-transport version> native=<Netty's own availability check>} first; when the transport is not
 * available it prints why and runs nothing. Then {@code SCENARIO <name> client_port=<p> server_port=<p>} each, or
 * {@code SCENARIO uds_<name> path=<socket file>} for the Unix domain ones (the same scenario over a socket file).
 */
public final class NettyNativeScenarios {

    public static final List<String> ALL = List.of("client_close", "server_close", "server_reset", "refused",
            "write_after_peer_close", "client_shutdown_output", "file_region", "uds_client_close",
            "uds_server_close");

    /** What the server of file_region sends from a file (epoll: sendfile; io_uring: two splices), then closes. */
    public static final int FILE_BYTES = 10_000;

    private static final byte[] HELLO = "hello".getBytes(StandardCharsets.US_ASCII);

    private NettyNativeScenarios() {
    }

    /** One native transport's classes, by name: TCP, and Unix domain. */
    record Transport(String name, EventLoopGroup group, Class<? extends ServerChannel> server,
                     Class<? extends Channel> client, Class<? extends ServerChannel> domainServer,
                     Class<? extends Channel> domainClient) {

        @SuppressWarnings("unchecked")
        static Transport load(String name) throws Exception {
            if (name.equals("epoll")) {
                return new Transport(name,
                        (EventLoopGroup) Class.forName("io.netty.channel.epoll.EpollEventLoopGroup")
                                .getConstructor(int.class).newInstance(2),
                        (Class<? extends ServerChannel>) Class.forName(
                                "io.netty.channel.epoll.EpollServerSocketChannel"),
                        (Class<? extends Channel>) Class.forName("io.netty.channel.epoll.EpollSocketChannel"),
                        (Class<? extends ServerChannel>) Class.forName(
                                "io.netty.channel.epoll.EpollServerDomainSocketChannel"),
                        (Class<? extends Channel>) Class.forName("io.netty.channel.epoll.EpollDomainSocketChannel"));
            }
            Object factory = Class.forName("io.netty.channel.uring.IoUringIoHandler").getMethod("newFactory")
                    .invoke(null);
            Class<?> factoryType = Class.forName("io.netty.channel.IoHandlerFactory");
            EventLoopGroup group = (EventLoopGroup) Class.forName("io.netty.channel.MultiThreadIoEventLoopGroup")
                    .getConstructor(int.class, factoryType).newInstance(2, factory);
            return new Transport(name, group,
                    (Class<? extends ServerChannel>) Class.forName("io.netty.channel.uring.IoUringServerSocketChannel"),
                    (Class<? extends Channel>) Class.forName("io.netty.channel.uring.IoUringSocketChannel"),
                    (Class<? extends ServerChannel>) Class.forName(
                            "io.netty.channel.uring.IoUringServerDomainSocketChannel"),
                    (Class<? extends Channel>) Class.forName("io.netty.channel.uring.IoUringDomainSocketChannel"));
        }

        /** Netty's own check ({@code Epoll.isAvailable()}, {@code IoUring.isAvailable()}) and its reason. */
        static String availability(String name) throws Exception {
            Class<?> check = Class.forName(name.equals("epoll") ? "io.netty.channel.epoll.Epoll"
                    : "io.netty.channel.uring.IoUring");
            if ((boolean) check.getMethod("isAvailable").invoke(null)) {
                return "available";
            }
            Throwable cause = (Throwable) check.getMethod("unavailabilityCause").invoke(null);
            return "unavailable:" + String.valueOf(cause).replace(' ', '_');
        }
    }

    public static void main(String[] args) throws Exception {
        String transportName = args[0];
        String availability = Transport.availability(transportName);
        System.out.println("NETTY transport=" + transportName + " version="
                + Version.identify().get("netty-transport").artifactVersion() + " native=" + availability);
        if (!availability.equals("available")) {
            System.exit(0);
        }
        Transport transport = Transport.load(transportName);
        try {
            List<String> names = args.length > 1 ? List.of(args).subList(1, args.length) : ALL;
            for (String name : names) {
                run(transport, name);
            }
        } finally {
            transport.group().shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
        System.exit(0);
    }

    /** Runs {@code names} on {@code transport} ("epoll", "io_uring"), for programs built on these scenarios. */
    public static void runOn(String transport, String... names) throws Exception {
        Transport t = Transport.load(transport);
        try {
            for (String name : names) {
                run(t, name);
            }
        } finally {
            t.group().shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    static void run(Transport transport, String name) throws Exception {
        boolean unix = name.startsWith("uds_");
        String scenario = unix ? name.substring("uds_".length()) : name;
        Path socketFile = unix ? Files.createTempDirectory("sockwatch-netty").resolve("s.sock") : null;
        CountDownLatch serverEnded = new CountDownLatch(1);
        Channel listener = new ServerBootstrap().group(transport.group())
                .channel(unix ? transport.domainServer() : transport.server())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new ServerSide(scenario, serverEnded));
                    }
                }).bind(unix ? new DomainSocketAddress(socketFile.toFile())
                        : new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
        int port = unix ? 0 : ((InetSocketAddress) listener.localAddress()).getPort();
        if (scenario.equals("refused")) {
            listener.close().sync();
        }
        CountDownLatch clientEnded = new CountDownLatch(1);
        Bootstrap client = new Bootstrap().group(transport.group())
                .channel(unix ? transport.domainClient() : transport.client())
                .handler(new ClientSide(scenario, clientEnded));
        if (scenario.equals("write_after_peer_close")) {
            client.option(ChannelOption.ALLOW_HALF_CLOSURE, true);
        }
        int clientPort = 0;
        boolean connected = false;
        try {
            Channel ch = client.connect(unix ? new DomainSocketAddress(socketFile.toFile())
                    : new InetSocketAddress(InetAddress.getLoopbackAddress(), port)).sync().channel();
            connected = true;
            clientPort = unix ? 0 : ((InetSocketAddress) ch.localAddress()).getPort();
        } catch (Exception refused) {
            System.out.println("  " + name + " client: " + refused);
        }
        if (connected) {
            clientEnded.await(5, TimeUnit.SECONDS);
            serverEnded.await(5, TimeUnit.SECONDS);
        }
        Thread.sleep(100);
        if (listener.isOpen()) {
            listener.close().sync();
        }
        System.out.println("SCENARIO " + name + (unix ? " path=" + socketFile
                : " client_port=" + clientPort + " server_port=" + port));
    }

    /** Writes first and reads what comes back, ending as the scenario says. */
    static final class ClientSide extends ChannelInboundHandlerAdapter {
        private final String name;
        private final CountDownLatch ended;

        ClientSide(String name, CountDownLatch ended) {
            this.name = name;
            this.ended = ended;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (name.equals("write_after_peer_close") || name.equals("file_region")) {
                return; // the server writes first (or closes at once)
            }
            if (name.equals("client_shutdown_output")) {
                // Once written: io_uring completes a write later, and a shutdown before that would discard it.
                ctx.writeAndFlush(Unpooled.wrappedBuffer(HELLO))
                        .addListener(written -> ((DuplexChannel) ctx.channel()).shutdownOutput());
            } else {
                ctx.writeAndFlush(Unpooled.wrappedBuffer(HELLO));
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ((ByteBuf) msg).release();
            if (name.equals("client_close")) {
                ctx.close(); // got the echo: the client closes first
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof ChannelInputShutdownEvent && name.equals("write_after_peer_close")) {
                // The peer's socket is gone: the first write draws its RST, the next one fails (EPIPE).
                ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[100]));
                ctx.executor().schedule(() -> ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[100]))
                        .addListener(f -> {
                            System.out.println("  " + name + " client write: " + f.cause());
                            ctx.close();
                        }), 300, TimeUnit.MILLISECONDS);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            System.out.println("  " + name + " client: " + cause);
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            ended.countDown();
        }
    }

    /** Answers as the scenario says. */
    static final class ServerSide extends ChannelInboundHandlerAdapter {
        private final String name;
        private final CountDownLatch ended;

        ServerSide(String name, CountDownLatch ended) {
            this.name = name;
            this.ended = ended;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            if (name.equals("write_after_peer_close")) {
                ctx.close();
            } else if (name.equals("file_region")) {
                java.nio.file.Path file = java.nio.file.Files.createTempFile("sockwatch-region", ".bin");
                java.nio.file.Files.write(file, new byte[FILE_BYTES]);
                file.toFile().deleteOnExit();
                ctx.writeAndFlush(new io.netty.channel.DefaultFileRegion(file.toFile(), 0, FILE_BYTES))
                        .addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            switch (name) {
                case "client_close" -> ctx.writeAndFlush(msg); // echo
                case "server_close" -> {
                    ((ByteBuf) msg).release();
                    ctx.writeAndFlush(Unpooled.copiedBuffer("bye", StandardCharsets.US_ASCII))
                            .addListener(ChannelFutureListener.CLOSE);
                }
                case "server_reset" -> {
                    ((ByteBuf) msg).release();
                    ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
                    ctx.close(); // RST
                }
                default -> ((ByteBuf) msg).release();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            System.out.println("  " + name + " server: " + cause);
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            ended.countDown();
        }
    }
}
