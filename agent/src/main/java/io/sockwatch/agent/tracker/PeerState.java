package io.sockwatch.agent.tracker;

/** What the kernel knows about the peer's side of a connection that the application has not read to the end. */
public enum PeerState {
    /** Nothing from the peer is waiting: the connection is open on its side. */
    OPEN,
    /** The peer's FIN arrived and was never read (the connection is in CLOSE_WAIT). */
    FIN_RECEIVED,
    /** An error is pending on the socket: the peer reset it (ECONNRESET, or not read). */
    RESET_RECEIVED,
    /**
     * The peer reset the connection after its FIN: the kernel filed the reset as EPIPE, as Linux does for a reset
     * that arrives in CLOSE_WAIT. The peer ended the connection first; its RST only answered data of ours.
     */
    RESET_AFTER_FIN,
    /** It cannot be known here (not Linux, or the JDK's internals differ). */
    UNKNOWN
}
