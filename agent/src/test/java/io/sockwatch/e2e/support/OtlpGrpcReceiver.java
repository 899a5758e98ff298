package io.sockwatch.e2e.support;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/**
 * A real OTLP/gRPC trace receiver inside the test: HTTP/2 with prior knowledge (what a Collector's port 4317
 * speaks in clear text) by Netty's codec, gRPC message framing and status trailers here, and the same span
 * decoding as {@link OtlpReceiver}. Only {@code TraceService/Export} calls with a gRPC content type count.
 *
 * <p>It hangs up after each call (GOAWAY, then close), so the exporter's connections end while the application
 * still runs: were sockwatch to observe them, their spans would be exported here by a later call.
 */
public final class OtlpGrpcReceiver implements AutoCloseable {

    public static final String EXPORT_PATH = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
    private static final String UNIMPLEMENTED = "12";
    private static final String INTERNAL = "13";

    private final EventLoopGroup group = new NioEventLoopGroup(1);
    private final Channel server;
    private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();
    private final List<String> rejected = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();

    public OtlpGrpcReceiver() throws InterruptedException {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.incrementAndGet();
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forServer().build(),
                                new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                                    @Override
                                    protected void initChannel(Http2StreamChannel stream) {
                                        stream.pipeline().addLast(new Call());
                                    }
                                }));
                    }
                })
                .bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** The base URL, as {@code otel.exporter.otlp.traces.endpoint} takes it for grpc (no path). */
    public String endpoint() {
        return "http://127.0.0.1:" + port();
    }

    public List<ReceivedSpan> spans() {
        return List.copyOf(spans);
    }

    /** Export calls answered with status OK. */
    public int requests() {
        return requests.get();
    }

    /** Connections the exporter opened. */
    public int connections() {
        return connections.get();
    }

    /** Calls refused, each with why: a wrong method, content type or message. */
    public List<String> rejected() {
        return List.copyOf(rejected);
    }

    /** Waits until {@code done} holds for the spans received so far, or the timeout passes; returns them. */
    public List<ReceivedSpan> await(Predicate<List<ReceivedSpan>> done, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(spans()) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return spans();
    }

    /** One gRPC call: one HTTP/2 stream, answered once the client ends it. */
    private final class Call extends SimpleChannelInboundHandler<Http2StreamFrame> {

        private Http2Headers headers;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Http2StreamFrame frame) throws IOException {
            boolean end;
            if (frame instanceof Http2HeadersFrame h) {
                headers = h.headers();
                end = h.isEndStream();
            } else if (frame instanceof Http2DataFrame d) {
                d.content().readBytes(body, d.content().readableBytes());
                end = d.isEndStream();
            } else {
                return;
            }
            if (end) {
                respond(ctx);
            }
        }

        private void respond(ChannelHandlerContext ctx) {
            String path = String.valueOf(headers.path());
            String contentType = String.valueOf(headers.get("content-type"));
            if (!EXPORT_PATH.equals(path) || !contentType.startsWith("application/grpc")) {
                refuse(ctx, UNIMPLEMENTED, path + " " + contentType);
                return;
            }
            List<ReceivedSpan> decoded = new ArrayList<>();
            try {
                for (byte[] message : messages(body.toByteArray(), headers.get("grpc-encoding"))) {
                    decoded.addAll(OtlpReceiver.decode(ExportTraceServiceRequest.parseFrom(message)));
                }
            } catch (IOException e) {
                refuse(ctx, INTERNAL, e.toString());
                return;
            }
            spans.addAll(decoded);
            requests.incrementAndGet();
            // A unary gRPC response: headers, one length-prefixed message, then the status as trailers.
            ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")
                    .set("content-type", "application/grpc")));
            ctx.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(
                    frame(ExportTraceServiceResponse.getDefaultInstance().toByteArray()))));
            ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().set("grpc-status", "0"), true))
                    .addListener(done -> ctx.channel().parent().close());
        }

        /** A trailers-only response: the status goes in the one HEADERS frame, which ends the stream. */
        private void refuse(ChannelHandlerContext ctx, String status, String why) {
            rejected.add(why);
            ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")
                    .set("content-type", "application/grpc").set("grpc-status", status)
                    .set("grpc-message", why.replaceAll("[^ -~]", "?")), true));
        }
    }

    /** Splits a gRPC request body into its length-prefixed messages (flag byte, 4-byte big-endian length). */
    static List<byte[]> messages(byte[] body, CharSequence encoding) throws IOException {
        List<byte[]> messages = new ArrayList<>();
        ByteBuffer in = ByteBuffer.wrap(body);
        while (in.hasRemaining()) {
            if (in.remaining() < 5) {
                throw new IOException("truncated gRPC message prefix: " + in.remaining() + " bytes");
            }
            boolean compressed = in.get() == 1;
            int length = in.getInt();
            if (length < 0 || length > in.remaining()) {
                throw new IOException("gRPC message of " + length + " bytes, " + in.remaining() + " sent");
            }
            byte[] message = new byte[length];
            in.get(message);
            if (compressed) {
                if (encoding == null || !"gzip".contentEquals(encoding)) {
                    throw new IOException("compressed message with grpc-encoding " + encoding);
                }
                try (GZIPInputStream gzip = new GZIPInputStream(new ByteArrayInputStream(message))) {
                    message = gzip.readAllBytes();
                }
            }
            messages.add(message);
        }
        return messages;
    }

    private static byte[] frame(byte[] message) {
        return ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length).put(message).array();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
