package io.sockwatch.it.support;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A span as it arrived over OTLP, decoded into plain Java values. Attribute values are {@link String},
 * {@link Long}, {@link Double}, {@link Boolean}, {@link List} of those, or a nested {@link Map} (kvlist).
 *
 * @param traceId      32 lowercase hex digits
 * @param spanId       16 lowercase hex digits
 * @param parentSpanId 16 lowercase hex digits, or "" for a root span
 * @param kind         {@code INTERNAL}, {@code SERVER}, {@code CLIENT}, {@code PRODUCER}, {@code CONSUMER} or
 *                     {@code UNSPECIFIED}
 * @param status       {@code UNSET}, {@code OK} or {@code ERROR}
 * @param scope        the instrumentation scope name
 */
public record ReceivedSpan(String traceId, String spanId, String parentSpanId, String name, String kind,
                           String status, String statusMessage, long startEpochNanos, long endEpochNanos,
                           Map<String, Object> attributes, List<Event> events, Map<String, Object> resource,
                           String scope) {

    public ReceivedSpan {
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
        events = List.copyOf(events);
        resource = Collections.unmodifiableMap(new LinkedHashMap<>(resource));
    }

    /** A span event. */
    public record Event(String name, long epochNanos, Map<String, Object> attributes) {
        public Event {
            attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
        }

        public String string(String key) {
            Object v = attributes.get(key);
            return v == null ? null : v.toString();
        }

        @Override
        public String toString() {
            return name + " " + new TreeMap<>(attributes);
        }
    }

    /** The attribute as a string (any type is rendered), or null. */
    public String string(String key) {
        Object v = attributes.get(key);
        return v == null ? null : v.toString();
    }

    /** The attribute if it is an integer attribute, else null. */
    public Long number(String key) {
        return attributes.get(key) instanceof Long l ? l : null;
    }

    public String serviceName() {
        Object v = resource.get("service.name");
        return v == null ? null : v.toString();
    }

    public List<String> eventNames() {
        return events.stream().map(Event::name).toList();
    }

    /** The first event with that name, or null. */
    public Event event(String name) {
        return events.stream().filter(e -> e.name().equals(name)).findFirst().orElse(null);
    }

    public List<Event> events(String name) {
        return events.stream().filter(e -> e.name().equals(name)).toList();
    }

    public long durationMillis() {
        return (endEpochNanos - startEpochNanos) / 1_000_000;
    }

    /** One line: enough to tell spans apart in a failure message. */
    @Override
    public String toString() {
        return name + " " + kind + " " + status + " " + new TreeMap<>(attributes) + " events=" + events;
    }

    /** Several lines with everything, for diagnostics. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        b.append(name).append(' ').append(kind).append(" status=").append(status);
        if (statusMessage != null && !statusMessage.isEmpty()) {
            b.append(" (").append(statusMessage).append(')');
        }
        b.append(" trace=").append(traceId).append(" span=").append(spanId);
        if (!parentSpanId.isEmpty()) {
            b.append(" parent=").append(parentSpanId);
        }
        b.append(" duration_ms=").append(durationMillis()).append(" scope=").append(scope)
                .append(" service=").append(serviceName()).append('\n');
        new TreeMap<>(attributes).forEach((k, v) -> b.append("    ").append(k).append(" = ")
                .append(render(v)).append('\n'));
        for (Event e : events) {
            b.append("    event ").append(e.name()).append(" @+")
                    .append((e.epochNanos() - startEpochNanos) / 1_000_000).append("ms\n");
            new TreeMap<>(e.attributes()).forEach((k, v) -> b.append("        ").append(k).append(" = ")
                    .append(render(v)).append('\n'));
        }
        return b.toString();
    }

    private static String render(Object v) {
        if (v instanceof String s) {
            return '"' + s.replace("\n", "\n          ") + '"';
        }
        return String.valueOf(v);
    }
}
