package io.sockwatch.agent.tracker;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;

/**
 * After a runtime attach, the sockets the application opened before it: each is taken up at its first observed
 * read, write, shutdown or close, so that a pooled connection that goes stale during an incident still gets its
 * span. Only on the rare path of a socket the table does not know; never in a JVM started with the agent.
 */
final class MidLife {

    private final boolean enabled;
    private final ConnectionTable table;
    private final Inspectors inspectors;
    private final PeerFilter excluded;
    private final ListeningPorts listening = new ListeningPorts();

    MidLife(boolean enabled, ConnectionTable table, Inspectors inspectors, PeerFilter excluded) {
        this.enabled = enabled;
        this.table = table;
        this.inspectors = inspectors;
        this.excluded = excluded;
    }

    /** A socket sockwatch chose not to track (its own, an excluded peer): never to be taken for a mid-life one. */
    void ignore(Object socket) {
        if (enabled) {
            table.ignore(socket);
        }
    }

    /**
     * The state of {@code socket}, taking it up if it is a connected socket the table does not know; null when it
     * is not one (closed, ignored, not a connection), or when sockwatch started with the JVM.
     *
     * @param operation what the application is doing with it: {@code read}, {@code write}, {@code shutdown},
     *                  {@code close}
     */
    ConnectionState adopt(Object socket, String operation) {
        if (!enabled || AgentWork.isActive()) {
            return null;
        }
        // One lock for every adoption: a reader and a writer thread seeing the socket at once take it up once.
        synchronized (this) {
            ConnectionState known = table.get(socket);
            if (known != null || table.isKnown(socket)) {
                return known;
            }
            String api = inspectors.connectedApi(socket);
            if (api == null) {
                return null;
            }
            SocketInspector inspector = inspectors.of(api);
            SocketAddress peer = inspector.peer(socket);
            SocketAddress local = inspector.local(socket);
            if (peer instanceof InetSocketAddress isa
                    && excluded.excludes(null, isa.getAddress(), isa.getPort())) {
                table.ignore(socket);
                return null;
            }
            long now = System.nanoTime();
            ConnectionState state = new ConnectionState(api, listening.roleOf(local), now, null, 0);
            synchronized (state) {
                state.setPeer(peer);
                state.setLocal(local);
                state.firstSeenMidLife = true;
                state.addEvent("socket.first_seen", now, Map.of("socket.operation", operation));
            }
            table.put(socket, state);
            return state;
        }
    }
}
