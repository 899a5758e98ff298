package io.sockwatch.agent.tracker;

/** What the kernel knows about the peer's side of a connection that the application has not read to the end. */
public enum PeerState {
    /** Nothing from the peer is waiting: the connection is open on its side. */
    OPEN,
    /** The peer's FIN arrived and was never read (the connection is in CLOSE_WAIT). */
    FIN_RECEIVED,
    /** An error is pending on the socket: the peer reset it. */
    RESET_RECEIVED,
    /** It cannot be known here (not Linux, or the JDK's internals differ). */
    UNKNOWN
}
