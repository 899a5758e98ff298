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

    /** The verdicts without an exception, made once each: a connection that ends quietly allocates none. */
    private static final Verdict[][][] QUIET =
            new Verdict[Origin.values().length][Reason.values().length][Operation.values().length];

    /** The verdict for these values; a shared instance when no exception decided it. */
    public static Verdict of(Origin origin, Reason reason, Operation detectedBy, String errorType) {
        if (errorType != null) {
            return new Verdict(origin, reason, detectedBy, errorType);
        }
        Verdict[] row = QUIET[origin.ordinal()][reason.ordinal()];
        Verdict v = row[detectedBy.ordinal()];
        if (v == null) {
            v = new Verdict(origin, reason, detectedBy, null);
            row[detectedBy.ordinal()] = v; // a race makes two equal records, one of which is kept: harmless
        }
        return v;
    }

    /**
     * The span's {@code error.type} when its status is ERROR, or null for UNSET (contract v2): the application
     * received an exception because of the ending, other than one reporting our own close (the one that decided it,
     * else {@code laterException}, the first
     * one a later operation threw because of it), or the origin is an error whatever the application saw (leaked,
     * unknown: the reason stands in for a missing exception).
     *
     * @param laterException the class of an exception a later read or write threw because of the ending, or null
     */
    public String statusErrorType(String laterException) {
        if (errorType != null && origin != Origin.LOCAL_CLOSE) {
            // An exception that only reports our own close (an accept woken by closing its listener, an
            // interrupted channel) tells the application nothing it did not do itself.
            return errorType;
        }
        if (laterException != null) {
            return laterException;
        }
        return origin.isAlwaysError() ? reason.value() : null;
    }
}
