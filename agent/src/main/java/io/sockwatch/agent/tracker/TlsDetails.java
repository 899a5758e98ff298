package io.sockwatch.agent.tracker;

/**
 * What a connection's TLS layer told: made at its first TLS signal, so that plain TCP connections carry none of it.
 * Guarded by the connection's monitor.
 */
final class TlsDetails {
    /** The negotiated protocol (such as TLSv1.3), or null. */
    String protocol;
    /** True, false, or null while no handshake was seen to end. */
    Boolean established;
    String handshakeError;
    boolean closeNotifyReceived;
}
