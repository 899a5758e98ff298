package io.sockwatch.realservers;

import java.io.IOException;

/** A server the tests started on a loopback port: where to reach it, its output for failure messages, its stop. */
record LoopbackServer(LocalDaemon daemon, int port) implements AutoCloseable {

    String log() throws IOException {
        return daemon.output();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        daemon.close();
    }
}
