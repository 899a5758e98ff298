package io.sockwatch.agent.tracker;

import java.net.UnixDomainSocketAddress;
import java.util.Map;

/**
 * {@code sockwatch.close.peer_check}: before a local close (or the exit) decides, asks the kernel whether the peer had
 * already ended the connection: its FIN waiting unread (CLOSE_WAIT) or a reset pending, as on a dead pooled
 * connection. One poll(2) through the socket's inspector, no read.
 */
final class PeerCheck {

    private final boolean enabled;
    private final Inspectors inspectors;

    PeerCheck(boolean enabled, Inspectors inspectors) {
        this.enabled = enabled;
        this.inspectors = inspectors;
    }

    /** Under the state's monitor, while {@code socket} (null when it is gone) is still open. */
    void beforeClose(ConnectionState state, Object socket, long now) {
        if (!enabled || state.ending.isDecided() || state.ending.isInputShutdown() || socket == null) {
            return;
        }
        SocketInspector inspector = inspectors.of(state.api());
        PeerState peer = inspector == null ? PeerState.UNKNOWN : inspector.peerState(socket);
        // A Unix domain socket has no TCP state to name: the event alone says the peer had closed.
        boolean tcp = !(state.peer() instanceof UnixDomainSocketAddress
                || state.local() instanceof UnixDomainSocketAddress);
        if (peer == PeerState.FIN_RECEIVED) {
            state.ending.onPeerClosedBeforeClose();
            state.addEvent("socket.peer_closed", now, tcp ? Map.of("network.tcp.state", "close_wait") : Map.of());
        } else if (peer == PeerState.RESET_RECEIVED) {
            state.ending.onPeerResetBeforeClose();
            state.addEvent("socket.peer_closed", now, tcp ? Map.of("network.tcp.state", "reset") : Map.of());
        }
    }
}
