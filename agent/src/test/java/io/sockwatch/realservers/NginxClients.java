package io.sockwatch.realservers;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * Apache HttpClient 5 (java.net.Socket) and the JDK HttpClient (SocketChannel) against a real nginx, under the
 * agent. Arguments: the ports of {@link Nginx.Ports}, in order. nginx answers with the client's port where it
 * answers at all; every connection to the other ports belongs to that port's scenario.
 */
public final class NginxClients {

    private NginxClients() {
    }

    public static void main(String[] args) {
        Report.runThenExit(NginxClients::scenarios, args);
    }

    static void scenarios(String[] args) throws Exception {
        int keepAlive = Integer.parseInt(args[0]);
        int close444 = Integer.parseInt(args[1]);
        int reset444 = Integer.parseInt(args[2]);
        int sendTimeout = Integer.parseInt(args[3]);
        int slow = Integer.parseInt(args[4]);
        keepAliveApache(keepAlive);
        keepAliveJdk(keepAlive);
        closed444("nginx_444", close444);
        closed444("nginx_444_reset", reset444);
        sendTimeoutReset(sendTimeout);
        clientReadTimeout(slow);
    }

    /** nginx closes the idle pooled connection (keepalive_timeout 1s); HttpClient's stale check finds it closed. */
    static void keepAliveApache(int port) throws Exception {
        try (CloseableHttpClient client = HttpClients.custom().setConnectionManager(
                PoolingHttpClientConnectionManagerBuilder.create().setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setValidateAfterInactivity(TimeValue.ofMilliseconds(500)).build()).build()).build()) {
            int stale = get(client, "http://127.0.0.1:" + port + "/");
            TcpTable.awaitCloseWait(stale, port);
            int fresh = get(client, "http://127.0.0.1:" + port + "/");
            Report.connection("nginx_keepalive_apache", "stale", stale, port);
            Report.connection("nginx_keepalive_apache", "fresh", fresh, port);
        } // closes the fresh one
    }

    /**
     * The same with the JDK HttpClient, whose selector reads its idle pooled connections and sees nginx's FIN
     * itself; the second request asks nginx to close after answering.
     */
    static void keepAliveJdk(int port) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        int stale = Integer.parseInt(client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .build(), HttpResponse.BodyHandlers.ofString()).body().trim());
        TcpTable.awaitGone(stale, port); // the client saw the FIN itself and closed: the next request needs another
        int closed = Integer.parseInt(client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/close")).build(), HttpResponse.BodyHandlers.ofString()).body().trim());
        Report.connection("nginx_keepalive_jdk", "stale", stale, port);
        Report.connection("nginx_keepalive_jdk", "server_closes", closed, port);
    }

    /** {@code return 444}: nginx closes without a response (FIN, or RST with reset_timedout_connection). */
    static void closed444(String scenario, int port) throws Exception {
        String outcome = "answered";
        try (CloseableHttpClient client = HttpClients.createDefault()) {
            get(client, "http://127.0.0.1:" + port + "/");
        } catch (IOException e) {
            outcome = e.getClass().getSimpleName();
        }
        Report.connection(scenario, "client", 0, port, "outcome=" + outcome);
    }

    /**
     * A client that stops reading a large response (with a 5 s read timeout that never expires): nginx's
     * send_timeout (1 s) expires and, with reset_timedout_connection, it resets; the client then reads what was
     * buffered, and the reset.
     */
    static void sendTimeoutReset(int port) throws Exception {
        String outcome = "complete";
        long read = 0;
        try (CloseableHttpClient client = HttpClients.custom().setConnectionManager(
                PoolingHttpClientConnectionManagerBuilder.create().setDefaultSocketConfig(SocketConfig.custom()
                        .setRcvBufSize(32 * 1024).setSoTimeout(Timeout.ofSeconds(5)).build()).build()).build()) {
            ClassicHttpResponse response = client.executeOpen(null,
                    new HttpGet("http://127.0.0.1:" + port + "/big"), null);
            InputStream body = response.getEntity().getContent();
            byte[] buffer = new byte[8192];
            read += body.read(buffer, 0, 1024);
            TcpTable.awaitNoneTo(port); // the reset removes the connection from the kernel's table
            try {
                for (int n; (n = body.read(buffer)) > 0; ) {
                    read += n;
                }
            } catch (IOException e) {
                outcome = e.getMessage();
            }
            try {
                response.close();
            } catch (IOException e) {
                // HttpClient 5.3 has already dropped the connection on the reset, and closing the response drains
                // the body from it again: "Socket closed" (a use after close that the span records).
            }
        }
        Report.connection("nginx_send_timeout_reset", "client", 0, port, "outcome=" + outcome, "body_read=" + read,
                "of=" + Nginx.BIG_FILE);
    }

    /** nginx sends one byte a second; HttpClient's 500 ms response timeout expires and it drops the connection. */
    static void clientReadTimeout(int port) throws Exception {
        String outcome = "answered";
        try (CloseableHttpClient client = HttpClients.custom().setDefaultRequestConfig(RequestConfig.custom()
                .setResponseTimeout(Timeout.ofMilliseconds(500)).build()).build()) {
            get(client, "http://127.0.0.1:" + port + "/");
        } catch (IOException e) {
            outcome = e.getClass().getSimpleName();
        }
        Report.connection("nginx_client_read_timeout", "client", 0, port, "outcome=" + outcome);
    }

    /** GET, and the client port nginx names in its answer. */
    private static int get(CloseableHttpClient client, String url) throws IOException {
        return client.execute(new HttpGet(url), response -> Integer.parseInt(
                EntityUtils.toString(response.getEntity(), StandardCharsets.US_ASCII).trim()));
    }
}
