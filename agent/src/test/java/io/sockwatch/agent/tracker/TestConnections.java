package io.sockwatch.agent.tracker;

import java.net.SocketAddress;

/** Connection states for the tests of other layers: the constructor and setters are the tracker's own. */
public final class TestConnections {

    private TestConnections() {
    }

    public static ConnectionState client(String api, String host, int port, SocketAddress peer, SocketAddress local) {
        ConnectionState c = new ConnectionState(api, Role.CLIENT, System.nanoTime(), host, port);
        synchronized (c) {
            c.setPeer(peer);
            c.setLocal(local);
        }
        return c;
    }

    public static ConnectionState server(String api, SocketAddress local, SocketAddress peer) {
        ConnectionState c = new ConnectionState(api, Role.SERVER, System.nanoTime(), null, 0);
        synchronized (c) {
            c.setPeer(peer);
            c.setLocal(local);
        }
        return c;
    }
}
