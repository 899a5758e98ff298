package io.sockwatch.agent.tracker;

import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link SocketInspector} of each socket API, and what the tracker reads through them: addresses, and the
 * connection a wrapper object carries. Never on the hot path of a read or write that made progress.
 */
final class Inspectors {

    private final Map<String, SocketInspector> byApi = new ConcurrentHashMap<>();
    private final ConnectionTable table;

    Inspectors(ConnectionTable table) {
        this.table = table;
    }

    void register(String api, SocketInspector inspector) {
        byApi.put(api, inspector);
    }

    /** The inspector of {@code api}, or null when none is registered. */
    SocketInspector of(String api) {
        return byApi.get(api);
    }

    /** The state of {@code socket} or, on rare paths only, of the connection it wraps. */
    ConnectionState stateOfWrapped(Object socket) {
        ConnectionState state = table.get(socket);
        if (state == null) {
            for (SocketInspector inspector : byApi.values()) {
                Object inner = inspector.unwrap(socket);
                if (inner != null && (state = table.get(inner)) != null) {
                    break;
                }
            }
        }
        return state;
    }

    /** The API whose inspector sees {@code socket} as a connected, open socket; null when none does. */
    String connectedApi(Object socket) {
        for (Map.Entry<String, SocketInspector> e : byApi.entrySet()) {
            if (e.getValue().isConnected(socket)) {
                return e.getKey();
            }
        }
        return null;
    }

    /**
     * Runs every read an inspector makes at a close on {@code samples} (unconnected sockets of each API, made for
     * this): the field handles are linked on sockwatch's thread at start, not on the application's first close.
     */
    void warmUp(Object... samples) {
        java.util.List<Object> sockets = new java.util.ArrayList<>();
        for (Object sample : samples) {
            Object inner = null;
            for (SocketInspector inspector : byApi.values()) {
                inner = inner != null ? inner : inspector.unwrap(sample);
            }
            sockets.add(inner != null ? inner : sample); // a wrapper (JDK 17's SOCKS impl) is never tracked itself
        }
        for (SocketInspector inspector : byApi.values()) {
            for (Object sample : sockets) {
                try {
                    inspector.isConnected(sample);
                    inspector.peer(sample);
                    inspector.local(sample);
                    inspector.threadsInIo(sample);
                    inspector.closedByInterrupt(sample);
                    inspector.peerState(sample, false);
                } catch (RuntimeException notItsKind) {
                    // an inspector reads only its own API's sockets
                }
            }
        }
    }

    /** Records the addresses the socket knows now; under the state's monitor. */
    void fillAddresses(ConnectionState state, Object socket) {
        SocketInspector inspector = byApi.get(state.api());
        if (inspector == null) {
            return;
        }
        SocketAddress peer = inspector.peer(socket);
        if (peer != null) {
            state.setPeer(peer);
        }
        SocketAddress local = inspector.local(socket);
        if (local != null) {
            state.setLocal(local);
        }
    }

    /** The errno inside {@code failure} as the inspector of the connection's API reads it, 0 when none. */
    int errno(ConnectionState state, Throwable failure) {
        SocketInspector inspector = byApi.get(state.api());
        return inspector == null ? 0 : inspector.errno(failure);
    }
}
