package io.sockwatch.agent.classify;

/**
 * The classification of one connection's ending.
 *
 * @param origin     {@code socket.close.origin}
 * @param reason     {@code socket.close.reason}
 * @param detectedBy the operation whose signal decided it ({@code socket.close.detected_by})
 * @param errorType  the exception class that decided it, or null when no exception did
 */
public record Verdict(Origin origin, Reason reason, Operation detectedBy, String errorType) {

    /**
     * Whether the span has status ERROR: an error origin, or an ending the application received as an exception
     * even though the peer simply left first (a write's {@code Broken pipe} after the peer's FIN).
     */
    public boolean isError() {
        return origin.isError() || reason == Reason.BROKEN_PIPE;
    }
}
