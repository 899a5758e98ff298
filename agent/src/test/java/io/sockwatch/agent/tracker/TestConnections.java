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

    /** Gives an ended connection the TLS view the tracker would have recorded. */
    public static void tls(ConnectionState c, String protocol, Boolean established, String handshakeError,
                           boolean closeNotifyReceived) {
        synchronized (c) {
            TlsDetails tls = c.tls();
            tls.protocol = protocol;
            tls.established = established;
            tls.handshakeError = handshakeError;
            tls.closeNotifyReceived = closeNotifyReceived;
        }
    }

    /** Marks a connection as first seen mid-life, as a runtime attach would. */
    public static void firstSeenMidLife(ConnectionState c) {
        synchronized (c) {
            c.firstSeenMidLife = true;
        }
    }

    /** Records {@code n} more events of {@code name}, with the given attributes, as the tracker does. */
    public static void addEvents(ConnectionState c, String name, int n, java.util.Map<String, Object> attributes) {
        for (int i = 0; i < n; i++) {
            c.addEvent(name, System.nanoTime(), attributes);
        }
    }

    /** An inspector that finds the same two addresses on every socket, and no thread blocked in I/O. */
    public static SocketInspector fixedAddresses(SocketAddress peer, SocketAddress local) {
        return new SocketInspector() {
            @Override
            public SocketAddress peer(Object socket) {
                return peer;
            }

            @Override
            public SocketAddress local(Object socket) {
                return local;
            }

            @Override
            public int threadsInIo(Object socket) {
                return 0;
            }
        };
    }
}
