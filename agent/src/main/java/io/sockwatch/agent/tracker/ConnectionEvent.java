package io.sockwatch.agent.tracker;

import java.util.Map;

/** Something that happened to a connection, reported as a span event. */
public record ConnectionEvent(String name, long epochNanos, Map<String, Object> attributes) {
}
