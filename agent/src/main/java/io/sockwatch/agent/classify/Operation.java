package io.sockwatch.agent.classify;

/** The socket operation during which a signal was seen. */
public enum Operation {
    CONNECT("connect"),
    ACCEPT("accept"),
    READ("read"),
    WRITE("write"),
    CLOSE("close"),
    /** Shutdown of one direction counts as a close of that direction. */
    SHUTDOWN("close"),
    /** The check before the first write after an idle gap: the peer had already ended a connection we reused. */
    REUSE("reuse"),
    GC("gc"),
    EXIT("close");

    private final String detectedBy;

    Operation(String detectedBy) {
        this.detectedBy = detectedBy;
    }

    /** The value of {@code socket.close.detected_by} when the deciding signal came from this operation. */
    public String detectedBy() {
        return detectedBy;
    }
}
