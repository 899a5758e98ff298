package io.sockwatch.agent.tracker;

import java.util.Map;

/** Something that happened to a connection, reported as a span event. */
public record ConnectionEvent(String name, long epochNanos, Map<String, Object> attributes) {

    /** The attributes as exported: a call site captured on the application's thread is described here. */
    @Override
    public Map<String, Object> attributes() {
        return CallSite.expand(attributes);
    }
}
