package io.sockwatch.agent.tracker;

import java.util.Map;
import java.util.function.BiConsumer;

/** Something that happened to a connection, reported as a span event. */
public record ConnectionEvent(String name, long epochNanos, Map<String, Object> attributes) {

    /** The attributes as exported: a call site captured on the application's thread is described here. */
    @Override
    public Map<String, Object> attributes() {
        return CallSite.expand(attributes);
    }

    /** Whether the event has no attribute at all. */
    public boolean isWithoutAttributes() {
        return attributes.isEmpty();
    }

    /** Each attribute as exported, as {@link #attributes()} has them, without building a map for them. */
    public void forEachAttribute(BiConsumer<String, Object> action) {
        CallSite.forEach(attributes, action);
    }
}
