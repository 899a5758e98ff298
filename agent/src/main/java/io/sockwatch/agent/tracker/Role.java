package io.sockwatch.agent.tracker;

/**
 * The part this process plays in a tracked socket: which side opened the connection, or a listener. Not
 * OpenTelemetry's {@code SpanKind}, which the exporter derives from it.
 */
public enum Role {
    /** We connected to the peer. */
    CLIENT,
    /** We accepted the peer's connection. */
    SERVER,
    /** First seen mid-life (opened before a runtime attach), and which side opened it cannot be read. */
    UNKNOWN,
    /** Not a connection: a listening socket whose accept failed (closed under a blocked accept, out of files). */
    LISTENER
}
