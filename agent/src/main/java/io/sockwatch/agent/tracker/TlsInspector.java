package io.sockwatch.agent.tracker;

/** Reads what the tracker needs from a TLS socket: the connection underneath and the negotiated protocol. */
public interface TlsInspector {

    /** The socket object the tracker knows the connection by (the TCP socket under the TLS layer), or null. */
    Object connection(Object sslSocket);

    /** The negotiated protocol, such as {@code TLSv1.3}, or null. Only called once the handshake is done. */
    String protocol(Object sslSocket);
}
