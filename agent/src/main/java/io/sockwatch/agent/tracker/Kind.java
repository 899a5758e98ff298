package io.sockwatch.agent.tracker;

/** How this process came to hold the connection. */
public enum Kind {
    /** We connected to the peer. */
    CLIENT,
    /** We accepted the peer's connection. */
    SERVER,
    /** First seen in the middle of its life. */
    UNKNOWN,
    /** Not a connection: a listening socket whose accept failed (closed under a blocked accept, out of files). */
    LISTENER
}
