package io.sockwatch.agent.tracker;

import java.net.InetSocketAddress;

/** Asks the operating system for the TCP state of one connection, at close only. */
public interface TcpStateProbe {

    /** Always answers "unknown": for non-Linux systems and when the probe is switched off. */
    TcpStateProbe NONE = (local, peer) -> false;

    /**
     * True when the kernel holds the connection in CLOSE_WAIT: the peer's FIN arrived and the application never
     * read the end of stream. False when it is not, or when that cannot be known.
     */
    boolean peerClosed(InetSocketAddress local, InetSocketAddress peer);
}
