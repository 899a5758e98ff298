package io.sockwatch.e2e.scenarios;

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
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * Real third-party software ending connections in two ways each: Jetty with the JDK HttpClient (NIO both sides),
 * Netty (NIO), HttpURLConnection (java.net.Socket) and SSLSocket (TLS over java.net.Socket). Prints
 * {@code SCENARIO <name> client_port=<p or 0> server_port=<p>}; with client_port=0 the test pairs the client
 * span by the server's port.
 */
public final class ThirdPartyScenarios {

    public static final List<String> ALL = List.of("jetty_idle_timeout", "jetty_client_timeout",
            "netty_client_close", "netty_server_reset", "urlconnection_stale_keepalive", "urlconnection_refused",
            "tls_client_close", "tls_server_reset");

    private ThirdPartyScenarios() {
    }

    public static void main(String[] args) throws Exception {
        for (String name : args.length == 0 ? ALL : List.of(args)) {
            switch (name) {
                case "jetty_idle_timeout", "jetty_client_timeout" -> jetty(name);
                case "netty_client_close", "netty_server_reset" -> netty(name);
                case "urlconnection_stale_keepalive" -> urlConnectionStaleKeepAlive();
                case "urlconnection_refused" -> urlConnectionRefused();
                case "tls_client_close", "tls_server_reset" -> tls(name);
                default -> throw new IllegalArgumentException(name);
            }
        }
        System.exit(0); // Jetty and Netty leave non-daemon threads; the agent flushes at exit
    }

    // ---- Jetty 12 server, JDK HttpClient --------------------------------------------------------------------

    static void jetty(String name) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        connector.setIdleTimeout(300); // closes connections idle for 300 ms
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                if (request.getHttpURI().getPath().equals("/slow")) {
                    Thread.sleep(1000);
                }
                response.write(true, ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8)), callback);
                return true;
            }
        });
        server.start();
        int port = connector.getLocalPort();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        if (name.equals("jetty_idle_timeout")) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            System.out.println("  status " + r.statusCode());
            Thread.sleep(1000); // Jetty's idle timeout closes the pooled connection; the client sees its FIN
        } else {
            try {
                client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/slow"))
                        .timeout(Duration.ofMillis(200)).build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException expected) {
                System.out.println("  " + expected);
            }
            Thread.sleep(1500); // Jetty finishes the slow request against a closed connection
        }
        System.out.println("SCENARIO " + name + " client_port=0 server_port=" + port);
        server.stop();
    }

    // ---- Netty NIO echo ----------------------------------------------------------------------------------------

    static void netty(String name) throws Exception {
        EventLoopGroup group = new NioEventLoopGroup(2);
        try {
            boolean serverResets = name.equals("netty_server_reset");
            Channel listener = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    if (serverResets) {
                                        ((ByteBuf) msg).release();
                                        ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
                                        ctx.close(); // RST
                                    } else {
                                        ctx.writeAndFlush(msg); // echo
                                    }
                                }
                            });
                        }
                    }).bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
            int port = ((InetSocketAddress) listener.localAddress()).getPort();
            CountDownLatch done = new CountDownLatch(1);
            Channel client = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ((ByteBuf) msg).release();
                            ctx.close(); // got the echo: the client closes first
                        }

                        @Override
                        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                            System.out.println("  " + cause);
                            ctx.close();
                        }

                        @Override
                        public void channelInactive(ChannelHandlerContext ctx) {
                            done.countDown();
                        }
                    }).connect(InetAddress.getLoopbackAddress(), port).sync().channel();
            int clientPort = ((InetSocketAddress) client.localAddress()).getPort();
            client.writeAndFlush(Unpooled.copiedBuffer("hello", StandardCharsets.UTF_8));
            done.await(5, TimeUnit.SECONDS);
            Thread.sleep(300);
            listener.close().sync();
            System.out.println("SCENARIO " + name + " client_port=" + clientPort + " server_port=" + port);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    // ---- HttpURLConnection --------------------------------------------------------------------------------

    /** A keep-alive server that closes a connection once it has been idle 200 ms, after one response. */
    static void urlConnectionStaleKeepAlive() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = listener.getLocalPort();
            Thread server = new Thread(() -> {
                try {
                    for (int i = 0; i < 2; i++) {
                        try (Socket s = listener.accept()) {
                            respondOnce(s);
                            Thread.sleep(200); // idle: close the keep-alive connection
                        }
                    }
                } catch (Exception e) {
                    System.out.println("  server " + e);
                }
            });
            server.start();
            get("http://127.0.0.1:" + port + "/a");
            Thread.sleep(600); // the pooled connection is now half-closed by the server
            get("http://127.0.0.1:" + port + "/b"); // reuses it, sees it dead, retries on a new connection
            server.join(5000);
            System.out.println("SCENARIO urlconnection_stale_keepalive client_port=0 server_port=" + port);
        }
    }

    static void respondOnce(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                return;
            }
            head.append((char) c);
        }
        OutputStream out = s.getOutputStream();
        out.write(("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: keep-alive\r\n\r\nhello")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    static void get(String url) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        try (InputStream in = c.getInputStream()) {
            in.readAllBytes();
        }
        System.out.println("  GET " + url + " -> " + c.getResponseCode());
    }

    static void urlConnectionRefused() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        try {
            get("http://127.0.0.1:" + port + "/");
        } catch (IOException expected) {
            System.out.println("  " + expected);
        }
        System.out.println("SCENARIO urlconnection_refused client_port=0 server_port=" + port);
    }

    // ---- TLS: SSLSocket over java.net.Socket, with a certificate made by the test ---------------------------

    static void tls(String name) throws Exception {
        SSLServerSocket listener = (SSLServerSocket) SSLServerSocketFactory.getDefault()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        int port = listener.getLocalPort();
        CompletableFuture<Void> serverSide = CompletableFuture.runAsync(() -> {
            try (Socket s = listener.accept()) {
                InputStream in = s.getInputStream();
                byte[] b = new byte[5];
                int n = in.read(b);
                System.out.println("  server read " + n);
                if (name.equals("tls_server_reset")) {
                    s.setSoLinger(true, 0); // RST under the TLS session
                } else {
                    System.out.println("  server read after close_notify " + in.read());
                }
            } catch (IOException e) {
                System.out.println("  server " + e);
            }
        });
        SSLSocket client = (SSLSocket) SSLSocketFactory.getDefault().createSocket("localhost", port);
        int clientPort = client.getLocalPort();
        client.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
        client.getOutputStream().flush();
        if (name.equals("tls_client_close")) {
            client.close(); // close_notify, then FIN
        } else {
            try {
                System.out.println("  client read " + client.getInputStream().read());
            } catch (IOException expected) {
                System.out.println("  " + expected);
            }
            client.close();
        }
        serverSide.get(5, TimeUnit.SECONDS);
        listener.close();
        System.out.println("SCENARIO " + name + " client_port=" + clientPort + " server_port=" + port);
    }
}
