package io.sockwatch.agent.tracker;

/** Receives each connection once, after it ended and its late signals were collected. */
public interface ConnectionListener {

    void connectionEnded(ConnectionState connection);

    /**
     * A connection was established (its connect succeeded, or it was accepted): called on the connecting or accepting
     * thread, never on a read or write. Before {@link #connectionEnded} for the same connection.
     */
    default void connectionOpened(ConnectionState connection) {
    }
}
