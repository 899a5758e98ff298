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
