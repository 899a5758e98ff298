package io.sockwatch.agent.tracker;

/** Receives each connection once, after it ended and its late signals were collected. */
public interface ConnectionListener {

    void connectionEnded(ConnectionState connection);
}
