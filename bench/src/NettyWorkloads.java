import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * Netty 4.2 echo on a native transport, client and server in one process over loopback: one 64-byte message in
 * flight at a time, so each round trip is a write and a read on both sides (the per-operation cost of observing the
 * transport). Warmed up like {@code Workloads}' steady workloads, then prints {@code RESULT <name> <µs> µs/rt}.
 */
public final class NettyWorkloads {

    private static final int ROUND_TRIPS = 20_000;
    private static final int MESSAGE = 64;

    private NettyWorkloads() {
    }

    public static void main(String[] args) throws Exception {
        String name = args[0];
        boolean uring = name.endsWith("io_uring");
        IoHandlerFactory io = uring ? IoUringIoHandler.newFactory() : EpollIoHandler.newFactory();
        Class<? extends ServerChannel> serverType = uring ? IoUringServerSocketChannel.class
                : EpollServerSocketChannel.class;
        Class<? extends Channel> clientType = uring ? IoUringSocketChannel.class : EpollSocketChannel.class;
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, io);
        try {
            Channel listener = new ServerBootstrap().group(group).channel(serverType)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    ctx.writeAndFlush(msg);
                                }
                            });
                        }
                    }).bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
            int port = ((InetSocketAddress) listener.localAddress()).getPort();
            long warmupEnd = System.nanoTime() + Long.getLong("warmup.ms", 2500) * 1_000_000L;
            for (int runs = 0; runs < 2 || System.nanoTime() < warmupEnd; runs++) {
                echo(group, clientType, port);
            }
            int measured = Integer.getInteger("measured.runs", 3);
            double sum = 0;
            for (int i = 0; i < measured; i++) {
                sum += echo(group, clientType, port);
            }
            System.out.printf("RESULT %s %.3f µs/rt%n", name, sum / measured);
            listener.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
        }
    }

    /** One connection, {@link #ROUND_TRIPS} echoes of one message, closed: the mean µs per round trip. */
    static double echo(EventLoopGroup group, Class<? extends Channel> clientType, int port) throws Exception {
        CompletableFuture<Long> done = new CompletableFuture<>();
        Channel client = new Bootstrap().group(group).channel(clientType).option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInboundHandlerAdapter() {
                    private int received;
                    private int trips;
                    private final long start = System.nanoTime();

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        received += ((ByteBuf) msg).readableBytes();
                        ((ByteBuf) msg).release();
                        if (received >= MESSAGE) {
                            received -= MESSAGE;
                            if (++trips == ROUND_TRIPS) {
                                done.complete(System.nanoTime() - start);
                                ctx.close();
                            } else {
                                ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[MESSAGE]));
                            }
                        }
                    }
                }).connect(InetAddress.getLoopbackAddress(), port).sync().channel();
        client.writeAndFlush(Unpooled.wrappedBuffer(new byte[MESSAGE]));
        return done.get() / 1000.0 / ROUND_TRIPS;
    }
}
