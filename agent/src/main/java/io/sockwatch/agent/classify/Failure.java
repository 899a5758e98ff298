package io.sockwatch.agent.classify;

/**
 * What an exception thrown by a socket operation says about the connection: everything the tracker needs to record
 * it, so that nothing downstream looks at the exception's type or message again.
 *
 * @param origin       who or what ended the connection, if this failure ends it
 * @param reason       the refinement
 * @param terminal     false for failures that leave the connection usable (a read timeout on a classic socket)
 * @param timeoutEvent the operation on an open connection threw a timeout itself ({@code SocketTimeoutException},
 *                     {@code InterruptedByTimeoutException}): a {@code socket.timeout} event, whether or not it ends
 *                     the connection. Never for a connect (its timeout is its ending) or an accept (routine polling)
 */
public record Failure(Origin origin, Reason reason, boolean terminal, boolean timeoutEvent) {

    static Failure ending(Origin origin, Reason reason) {
        return new Failure(origin, reason, true, false);
    }

    /** True when the failure only reports that this process had already closed the socket. */
    public boolean isLocalClose() {
        return origin == Origin.LOCAL_CLOSE;
    }

    Failure reportedAsTimeout() {
        return new Failure(origin, reason, terminal, true);
    }
}
