package io.sockwatch.agent.tracker;

import io.sockwatch.agent.classify.Operation;
import java.util.Map;

/**
 * Asks the kernel, through the socket's inspector (one poll(2), no read), whether the peer had already ended the
 * connection: its FIN waiting unread (CLOSE_WAIT) or a reset pending. Before a local close or the exit
 * ({@code sockwatch.close.peer_check}) it finds dead pooled connections and tells them from goodbyes; before the
 * first write after an idle gap it catches a stale connection as it is reused.
 */
final class PeerCheck {

    // The attributes of the events found at close, shared: one set per kernel answer, none made per connection. A
    // Unix domain socket has no TCP state to name: the event alone says the peer had closed.
    private static final Map<String, Object> CLOSE_WAIT = Map.of("network.tcp.state", "close_wait");
    private static final Map<String, Object> RESET = Map.of("network.tcp.state", "reset");
    private static final Map<String, Object> EPIPE = Map.of("socket.error", "EPIPE");
    private static final Map<String, Object> RESET_AFTER_EPIPE = Map.of("network.tcp.state", "reset",
            "socket.error", "EPIPE");

    private final boolean enabled;
    private final long goodbyeNanos;
    private final Inspectors inspectors;

    /**
     * @param goodbyeNanos how soon after our last write a close must come for a peer FIN found then to be the
     *                     answer to it (the stale-reuse threshold: a gap that long makes a connection idle)
     */
    PeerCheck(boolean enabled, long goodbyeNanos, Inspectors inspectors) {
        this.enabled = enabled;
        this.goodbyeNanos = goodbyeNanos;
        this.inspectors = inspectors;
    }

    /**
     * At close or exit, under the state's monitor, while {@code socket} (null when it is gone) is still open. The
     * pending error may be taken: the application reads the socket no more.
     *
     * @param byApplication the application closes it (a goodbye is possible); false at process exit
     */
    void beforeClose(ConnectionState state, Object socket, long now, boolean byApplication) {
        if (!applies(state, socket)) {
            return;
        }
        switch (ask(state, socket, true)) {
            case FIN_RECEIVED -> {
                if (byApplication && state.lastWriteNanos != 0 && now - state.lastWriteNanos < goodbyeNanos) {
                    // We wrote last (Terminate, QUIT), perhaps read the peer's reply (+OK), and close without an
                    // idle gap: the peer's FIN answered our goodbye, the connection ends by it (onClose decides).
                    // A FIN already there before that write was caught as stale reuse.
                    state.addEvent("socket.goodbye", now, state.isUnixDomain() ? Map.of() : CLOSE_WAIT);
                } else {
                    state.ending().onPeerClosedBeforeClose();
                    state.addEvent("socket.peer_closed", now, state.isUnixDomain() ? Map.of() : CLOSE_WAIT);
                }
            }
            case RESET_AFTER_FIN -> {
                // The peer's FIN came first; its reset only answered data of ours that arrived after it.
                state.ending().onPeerClosedBeforeClose();
                state.addEvent("socket.peer_closed", now, state.isUnixDomain() ? EPIPE : RESET_AFTER_EPIPE);
            }
            case RESET_RECEIVED -> {
                state.ending().onPeerResetBeforeClose();
                state.addEvent("socket.peer_closed", now, state.isUnixDomain() ? Map.of() : RESET);
            }
            default -> {
            }
        }
    }

    /**
     * Before a write after an idle gap, under the state's monitor, on the application's thread. The pending error
     * is left for the application's own read or write to report.
     */
    void beforeReuse(ConnectionState state, Object socket, long now, EventAttributes events, boolean callSite) {
        if (!applies(state, socket) || state.isClosedHere()) {
            return;
        }
        PeerState peer = ask(state, socket, false);
        if (peer != PeerState.FIN_RECEIVED && peer != PeerState.RESET_RECEIVED) {
            return;
        }
        boolean reset = peer == PeerState.RESET_RECEIVED;
        if (!reset) {
            state.ending().onStaleReuse();
        }
        // A pending reset is left to the write that follows: it fails at once, and its errno, which only it may
        // take, says whether the reset came after the peer's FIN (EPIPE: peer_fin) or not (ECONNRESET: peer_rst).
        Map<String, Object> attributes = events.onThisThread(callSite);
        if (!state.firstSeenMidLife || state.bytesRead + state.bytesWritten > 0) {
            // Of a socket first seen mid-life, only the time since it was first seen is known: none is said.
            attributes.put("socket.idle_ms", Math.max(0, (now - state.lastIoNanos) / 1_000_000L));
        }
        attributes.put("socket.operation", Operation.WRITE.detectedBy());
        if (!state.isUnixDomain()) {
            attributes.putAll(reset ? RESET : CLOSE_WAIT);
        }
        state.addEvent("socket.stale_reuse", now, attributes);
    }

    private boolean applies(ConnectionState state, Object socket) {
        return enabled && socket != null && !state.isEndingDecided() && !state.isInputShutdown();
    }

    private PeerState ask(ConnectionState state, Object socket, boolean mayTakeError) {
        SocketInspector inspector = inspectors.of(state.api());
        return inspector == null ? PeerState.UNKNOWN : inspector.peerState(socket, mayTakeError);
    }
}
