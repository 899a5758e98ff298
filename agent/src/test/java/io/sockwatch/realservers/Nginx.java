package io.sockwatch.realservers;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * nginx from the Debian package, with a configuration of our own in a temp dir: one loopback port per way of ending
 * a connection, so that every connection to a port is a connection of its scenario. Single process (no master), in
 * the foreground.
 */
final class Nginx implements AutoCloseable {

    /** The ports, each a server block of the configuration. */
    record Ports(int keepAlive, int close444, int reset444, int sendTimeout, int slow) {
        List<Integer> all() {
            return List.of(keepAlive, close444, reset444, sendTimeout, slow);
        }
    }

    /** Size of the file the send_timeout scenario asks for: far more than the socket buffers on both sides hold. */
    static final long BIG_FILE = 4L << 20;

    private final LocalDaemon daemon;
    private final Ports ports;

    private Nginx(LocalDaemon daemon, Ports ports) {
        this.daemon = daemon;
        this.ports = ports;
    }

    static Nginx start() throws IOException, InterruptedException {
        Path nginx = LocalDaemon.binary("nginx", "nginx", List.of());
        Path dir = Files.createTempDirectory("sockwatch-nginx-");
        Files.createDirectories(dir.resolve("tmp"));
        Files.createDirectories(dir.resolve("www"));
        try (RandomAccessFile big = new RandomAccessFile(dir.resolve("www/big").toFile(), "rw")) {
            big.setLength(BIG_FILE); // sparse: zeros, no disk
        }
        Ports ports = new Ports(LocalDaemon.freePort(), LocalDaemon.freePort(), LocalDaemon.freePort(),
                LocalDaemon.freePort(), LocalDaemon.freePort());
        String d = dir.toString();
        String conf = """
                daemon off;
                master_process off;
                error_log %1$s/error.log info;
                pid %1$s/nginx.pid;
                events { worker_connections 64; }
                http {
                    log_format ports '$remote_port "$request" $status $body_bytes_sent $request_time';
                    access_log %1$s/access.log ports;
                    client_body_temp_path %1$s/tmp/client_body;
                    proxy_temp_path %1$s/tmp/proxy;
                    fastcgi_temp_path %1$s/tmp/fastcgi;
                    uwsgi_temp_path %1$s/tmp/uwsgi;
                    scgi_temp_path %1$s/tmp/scgi;
                    default_type text/plain;

                    # Each answer names the client's port, so the client can tell which connection it was.
                    # Idle keep-alive connections are closed after 1 s; /close closes after the response.
                    server {
                        listen 127.0.0.1:%2$d;
                        keepalive_timeout 1s;
                        location / { return 200 "$remote_port\\n"; }
                        location /close { keepalive_timeout 0; return 200 "$remote_port\\n"; }
                    }
                    # 444: close without a response (FIN)...
                    server {
                        listen 127.0.0.1:%3$d;
                        location / { return 444; }
                    }
                    # ...and, with reset_timedout_connection, with a reset (nginx 1.15.2+).
                    server {
                        listen 127.0.0.1:%4$d;
                        reset_timedout_connection on;
                        location / { return 444; }
                    }
                    # A client that stops reading: after 1 s without progress nginx resets the connection.
                    server {
                        listen 127.0.0.1:%5$d sndbuf=32k;
                        reset_timedout_connection on;
                        send_timeout 1s;
                        root %1$s/www;
                    }
                    # One byte a second: a client's read timeout expires first.
                    server {
                        listen 127.0.0.1:%6$d;
                        limit_rate 1;
                        location / { return 200 "$remote_port\\n"; }
                    }
                }
                """.formatted(d, ports.keepAlive(), ports.close444(), ports.reset444(), ports.sendTimeout(),
                ports.slow());
        Path file = dir.resolve("nginx.conf");
        Files.writeString(file, conf);
        // SIGTERM is nginx's fast shutdown.
        LocalDaemon daemon = LocalDaemon.start("nginx", dir, "TERM",
                List.of(nginx.toString(), "-p", d, "-c", file.toString(), "-e", d + "/error.log"));
        for (int port : ports.all()) {
            daemon.awaitPort(port);
        }
        return new Nginx(daemon, ports);
    }

    Ports ports() {
        return ports;
    }

    /** The access and error logs, for failure messages. */
    String logs() throws IOException {
        Path dir = daemon.dir();
        StringBuilder sb = new StringBuilder(daemon.output());
        for (String name : List.of("access.log", "error.log")) {
            Path f = dir.resolve(name);
            if (Files.exists(f)) {
                sb.append("\n--- nginx ").append(name).append(" ---\n").append(Files.readString(f));
            }
        }
        return sb.toString();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        daemon.close();
    }
}
