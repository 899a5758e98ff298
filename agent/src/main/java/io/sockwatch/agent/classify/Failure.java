package io.sockwatch.agent.classify;

/**
 * What an exception thrown by a socket operation says about the connection.
 *
 * @param origin   who or what ended the connection, if this failure ends it
 * @param reason   the refinement
 * @param terminal false for failures that leave the connection usable (a read timeout on a classic socket)
 */
public record Failure(Origin origin, Reason reason, boolean terminal) {

    static Failure ending(Origin origin, Reason reason) {
        return new Failure(origin, reason, true);
    }

    /** True when the failure only reports that this process had already closed the socket. */
    public boolean isLocalClose() {
        return origin == Origin.LOCAL_CLOSE;
    }
}
