package io.sockwatch.agent.classify;

/** The side or condition that first ended a connection: the value of {@code socket.close.origin}. */
public enum Origin {
    /** This process closed first: close(), close from another thread, interrupt, shutdownOutput. */
    LOCAL_CLOSE("local_close", false),
    /** The peer sent FIN first: a read returned end of stream that our own shutdownInput did not cause. */
    PEER_FIN("peer_fin", false),
    /** The peer or a middlebox reset the connection, or refused it. */
    PEER_RST("peer_rst", false),
    /** A deadline expired and the connection ended because of it. */
    TIMEOUT("timeout", false),
    /** No path to the peer. */
    UNREACHABLE("unreachable", false),
    /** The socket became unreachable without close(). */
    LEAKED("leaked", true),
    /** Any other failure; the exception is kept. */
    UNKNOWN("unknown", true);

    private final String value;
    private final boolean error;

    Origin(String value, boolean error) {
        this.value = value;
        this.error = error;
    }

    /** The attribute value, as scripts and dashboards match it. */
    public String value() {
        return value;
    }

    /**
     * Whether a span with this origin has status ERROR whatever the application saw: a leak is a defect of the
     * application, an unknown failure is unexplained. The other origins are errors when they raised an exception
     * ({@link Verdict#statusErrorType}).
     */
    public boolean isAlwaysError() {
        return error;
    }
}
