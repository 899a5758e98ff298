package io.sockwatch.e2e.scenarios;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * TLS over SSLEngine with real software: Netty's SslHandler (JDK provider) on both sides, the JDK HttpClient against
 * Jetty 12's SslConnection, and a plain TCP relay in the middle of a Netty TLS connection. The certificate is the
 * one the test made, named by the {@code javax.net.ssl.keyStore} properties. Prints
 * {@code SCENARIO <name> client_port=<p or 0> server_port=<p> [relay_port=<p> relayed_port=<p>]}.
 */
public final class SslEngineScenarios {

    private SslEngineScenarios() {
    }

    public static void main(String[] args) throws Exception {
        nettyMixed();
        nettyUntrusted();
        relayed();
        httpClientToJetty();
        System.exit(0); // Jetty and Netty leave non-daemon threads; the agent flushes at exit
    }

    // ---- Netty ---------------------------------------------------------------------------------------------

    private static KeyStore keyStore() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(System.getProperty("javax.net.ssl.keyStore"))) {
            ks.load(in, "changeit".toCharArray());
        }
        return ks;
    }

    private static SslContext server() throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keyStore(), "changeit".toCharArray());
        return SslContextBuilder.forServer(kmf).sslProvider(SslProvider.JDK).build();
    }

    /** A client that trusts the test's certificate, or only the JDK's own CAs (which never signed it). */
    private static SslContext client(boolean trusting) throws Exception {
        KeyStore trusted = trusting ? keyStore() : KeyStore.getInstance(
                Path.of(System.getProperty("java.home"), "lib", "security", "cacerts").toFile(),
                "changeit".toCharArray());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        return SslContextBuilder.forClient().sslProvider(SslProvider.JDK).trustManager(tmf).build();
    }

    /** An echo server; {@code tls} null for plain TCP. Its engines know no peer: newHandler(alloc). */
    private static Channel echoServer(EventLoopGroup group, SslContext tls) throws InterruptedException {
        return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ctx.writeAndFlush(msg);
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                System.out.println("  server " + cause);
                                ctx.close();
                            }
                        });
                    }
                }).bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
    }

    /** How a client ends once the echo is back. */
    enum Ending { CLOSE_NOTIFY, TRUNCATE, PLAIN }

    /**
     * Connects, sends "hello", and ends as told once the echo is back: {@code ctx.close()} goes through the
     * SslHandler (close_notify, then FIN); {@code unsafe().close()} bypasses it (FIN without close_notify).
     */
    private static Channel client(EventLoopGroup group, SslContext tls, boolean peerHint, int port, Ending ending,
                                  CountDownLatch done) throws InterruptedException {
        Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast(peerHint ? tls.newHandler(ch.alloc(), "localhost", port)
                                    : tls.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ((ByteBuf) msg).release();
                                if (ending == Ending.TRUNCATE) {
                                    ctx.channel().unsafe().close(ctx.channel().voidPromise());
                                } else {
                                    ctx.close();
                                }
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                System.out.println("  client " + cause);
                                ctx.close();
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                done.countDown();
                            }
                        });
                    }
                }).connect(InetAddress.getLoopbackAddress(), port).sync().channel();
        ch.writeAndFlush(Unpooled.copiedBuffer("hello", StandardCharsets.UTF_8));
        return ch;
    }

    /**
     * Several TLS connections and a plain one at once, every end of them on one event-loop thread per side, so that
     * engines run on threads that have just read other connections: clean closes (close_notify) alternate with
     * truncations (FIN without close_notify), with and without a peer hint on the client's engine.
     */
    static void nettyMixed() throws Exception {
        EventLoopGroup serverGroup = new NioEventLoopGroup(1);
        EventLoopGroup clientGroup = new NioEventLoopGroup(1);
        try {
            Channel tlsListener = echoServer(serverGroup, server());
            Channel plainListener = echoServer(serverGroup, null);
            int tlsPort = ((InetSocketAddress) tlsListener.localAddress()).getPort();
            int plainPort = ((InetSocketAddress) plainListener.localAddress()).getPort();
            SslContext client = client(true);
            int n = 6;
            CountDownLatch done = new CountDownLatch(n + 1);
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Ending ending = i % 2 == 0 ? Ending.CLOSE_NOTIFY : Ending.TRUNCATE;
                Channel ch = client(clientGroup, client, i % 3 == 0, tlsPort, ending, done);
                lines.add("SCENARIO " + (ending == Ending.CLOSE_NOTIFY ? "netty_close_notify" : "netty_truncated")
                        + " client_port=" + ((InetSocketAddress) ch.localAddress()).getPort() + " server_port=" + tlsPort);
            }
            Channel plain = client(clientGroup, null, false, plainPort, Ending.PLAIN, done);
            lines.add("SCENARIO netty_plain client_port=" + ((InetSocketAddress) plain.localAddress()).getPort()
                    + " server_port=" + plainPort);
            if (!done.await(10, TimeUnit.SECONDS)) {
                System.out.println("  not every client ended");
            }
            Thread.sleep(300); // the servers read the ends
            tlsListener.close().sync();
            plainListener.close().sync();
            lines.forEach(System.out::println);
        } finally {
            clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /** The client does not trust the server's certificate: the handshake fails on both sides. */
    static void nettyUntrusted() throws Exception {
        EventLoopGroup group = new NioEventLoopGroup(1);
        try {
            Channel listener = echoServer(group, server());
            int port = ((InetSocketAddress) listener.localAddress()).getPort();
            CountDownLatch done = new CountDownLatch(1);
            Channel ch = client(group, client(false), true, port, Ending.CLOSE_NOTIFY, done);
            int clientPort = ((InetSocketAddress) ch.localAddress()).getPort();
            done.await(10, TimeUnit.SECONDS);
            Thread.sleep(300);
            listener.close().sync();
            System.out.println("SCENARIO netty_untrusted client_port=" + clientPort + " server_port=" + port);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    // ---- A TCP relay in the same process -------------------------------------------------------------------

    /**
     * Netty TLS client -> plain relay (blocking channels, two copying threads) -> Netty TLS server, all in this
     * process: each hello is read by two connections here (the relay's and the endpoint's), so no engine can be
     * told which connection it runs over.
     */
    static void relayed() throws Exception {
        EventLoopGroup group = new NioEventLoopGroup(1);
        try (ServerSocketChannel relay = ServerSocketChannel.open()) {
            Channel listener = echoServer(group, server());
            int serverPort = ((InetSocketAddress) listener.localAddress()).getPort();
            relay.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int relayPort = ((InetSocketAddress) relay.getLocalAddress()).getPort();
            int[] relayedPort = new int[1];
            Thread relaying = new Thread(() -> {
                try (java.nio.channels.SocketChannel in = relay.accept();
                     java.nio.channels.SocketChannel out = java.nio.channels.SocketChannel.open(
                             new InetSocketAddress(InetAddress.getLoopbackAddress(), serverPort))) {
                    relayedPort[0] = ((InetSocketAddress) out.getLocalAddress()).getPort();
                    Thread back = new Thread(() -> copy(out, in));
                    back.start();
                    copy(in, out);
                    back.join(5000);
                } catch (Exception e) {
                    System.out.println("  relay " + e);
                }
            });
            relaying.start();
            CountDownLatch done = new CountDownLatch(1);
            Channel ch = client(group, client(true), false, relayPort, Ending.CLOSE_NOTIFY, done);
            int clientPort = ((InetSocketAddress) ch.localAddress()).getPort();
            done.await(10, TimeUnit.SECONDS);
            relaying.join(5000);
            Thread.sleep(300);
            listener.close().sync();
            System.out.println("SCENARIO relayed client_port=" + clientPort + " server_port=" + relayPort
                    + " relayed_port=" + relayedPort[0] + " target_port=" + serverPort);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private static void copy(java.nio.channels.SocketChannel from, java.nio.channels.SocketChannel to) {
        ByteBuffer b = ByteBuffer.allocate(16 * 1024);
        try {
            while (from.read(b) >= 0) {
                b.flip();
                while (b.hasRemaining()) {
                    to.write(b);
                }
                b.clear();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // the other direction closed both
        }
    }

    // ---- JDK HttpClient -> Jetty 12, HTTPS -----------------------------------------------------------------

    /**
     * One HTTPS request. Where the JDK HttpClient pools the connection (JDK 25), Jetty's idle timeout then ends the
     * TLS session (close_notify) and the connection. JDK 17's HttpClient, before pooling, probes the raw channel with
     * a one-byte read and closes the connection, without close_notify, when TLS bytes are pending.
     */
    static void httpClientToJetty() throws Exception {
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStorePath(System.getProperty("javax.net.ssl.keyStore"));
        tls.setKeyStorePassword("changeit");
        tls.setKeyStoreType("PKCS12");
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server, tls);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        connector.setIdleTimeout(1000); // long enough for a first TLS handshake on a loaded machine
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                response.write(true, ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8)), callback);
                return true;
            }
        });
        server.start();
        int port = connector.getLocalPort();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/"))
                .build(), HttpResponse.BodyHandlers.ofString());
        System.out.println("  status " + r.statusCode() + " " + r.body());
        Thread.sleep(1800); // Jetty's idle timeout closes the pooled connection, if the client kept it
        System.out.println("SCENARIO httpclient_jetty client_port=0 server_port=" + port);
        server.stop();
    }
}
