package io.sockwatch.e2e.support;

import java.util.List;
import java.util.Map;

/** A span as it arrived over OTLP, decoded into plain Java values. */
public record ReceivedSpan(String traceId, String name, String kind, String status, long startNanos, long endNanos,
                           Map<String, Object> attributes, List<Event> events, Map<String, Object> resource,
                           String scope, String spanId, String parentSpanId, List<Link> links) {

    /** A link to another span, with its attributes. */
    public record Link(String traceId, String spanId, Map<String, Object> attributes) {
    }

    /** The links whose {@code socket.link} attribute is {@code role}. */
    public List<Link> links(String role) {
        return links.stream().filter(l -> role.equals(l.attributes().get("socket.link"))).toList();
    }

    public record Event(String name, long timeNanos, Map<String, Object> attributes) {
    }

    public String string(String key) {
        Object v = attributes.get(key);
        return v == null ? null : v.toString();
    }

    public Long number(String key) {
        Object v = attributes.get(key);
        return v instanceof Long l ? l : null;
    }

    public List<String> eventNames() {
        return events.stream().map(Event::name).toList();
    }

    public Event event(String name) {
        return events.stream().filter(e -> e.name().equals(name)).findFirst().orElse(null);
    }

    @Override
    public String toString() {
        return name + " " + kind + " " + status + " " + attributes + " events=" + events;
    }
}
