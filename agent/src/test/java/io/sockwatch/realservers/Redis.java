package io.sockwatch.realservers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A Redis server from the Debian package, in the foreground on a free loopback port, persisting nothing. */
final class Redis {

    private Redis() {
    }

    static LoopbackServer start() throws IOException, InterruptedException {
        Path server = LocalDaemon.binary("redis-server", "redis-server", List.of());
        Path dir = Files.createTempDirectory("sockwatch-redis-");
        int port = LocalDaemon.freePort();
        LocalDaemon daemon = LocalDaemon.start("redis", dir, "TERM", List.of(server.toString(),
                "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--daemonize", "no", "--dir", dir.toString(), "--logfile", "", "--loglevel", "verbose"));
        daemon.awaitLog("Ready to accept connections");
        daemon.awaitPort(port);
        return new LoopbackServer(daemon, port);
    }
}
