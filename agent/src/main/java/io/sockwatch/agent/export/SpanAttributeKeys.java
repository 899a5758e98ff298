package io.sockwatch.agent.export;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.sockwatch.agent.tracker.ConnectionEvent;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The keys of the connection span's attributes and of its events' attributes, made once. A key made per
 * attribute costs an object per attribute and span, and the OTLP marshaller encodes a key's name to UTF-8 once per
 * key object: with shared keys, once per process.
 */
final class SpanAttributeKeys {

    static final AttributeKey<String> NETWORK_TRANSPORT = AttributeKey.stringKey("network.transport");
    static final AttributeKey<String> NETWORK_TYPE = AttributeKey.stringKey("network.type");
    static final AttributeKey<String> PEER_ADDRESS = AttributeKey.stringKey("network.peer.address");
    static final AttributeKey<Long> PEER_PORT = AttributeKey.longKey("network.peer.port");
    static final AttributeKey<String> LOCAL_ADDRESS = AttributeKey.stringKey("network.local.address");
    static final AttributeKey<Long> LOCAL_PORT = AttributeKey.longKey("network.local.port");
    static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
    static final AttributeKey<String> API = AttributeKey.stringKey("socket.api");
    static final AttributeKey<String> ORIGIN = AttributeKey.stringKey("socket.close.origin");
    static final AttributeKey<String> REASON = AttributeKey.stringKey("socket.close.reason");
    static final AttributeKey<String> DETECTED_BY = AttributeKey.stringKey("socket.close.detected_by");
    static final AttributeKey<Long> BYTES_READ = AttributeKey.longKey("socket.bytes.read");
    static final AttributeKey<Long> BYTES_WRITTEN = AttributeKey.longKey("socket.bytes.written");
    static final AttributeKey<Long> IDLE_MS = AttributeKey.longKey("socket.idle_ms");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> TLS_PROTOCOL_NAME = AttributeKey.stringKey("tls.protocol.name");
    static final AttributeKey<String> TLS_PROTOCOL_VERSION = AttributeKey.stringKey("tls.protocol.version");
    static final AttributeKey<Boolean> TLS_ESTABLISHED = AttributeKey.booleanKey("tls.established");
    static final AttributeKey<String> TLS_HANDSHAKE_ERROR = AttributeKey.stringKey("socket.tls.handshake.error");
    static final AttributeKey<String> TLS_CLOSE_NOTIFY = AttributeKey.stringKey("socket.tls.close_notify");
    static final AttributeKey<Boolean> TLS_TRUNCATED = AttributeKey.booleanKey("socket.tls.truncated");
    static final AttributeKey<Boolean> FIRST_SEEN_MID_LIFE = AttributeKey.booleanKey("socket.first_seen_mid_life");
    static final AttributeKey<Long> EVENTS_DROPPED = AttributeKey.longKey("socket.events.dropped");

    /**
     * The events' keys, by name, made on first use. The tracker names a fixed set (docs/telemetry.md, Events); the
     * bound only guards against a name made per event, which would then get a key of its own each time.
     */
    private static final int MAX_EVENT_KEYS = 256;
    private static final ConcurrentHashMap<String, AttributeKey<String>> STRINGS = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<String, AttributeKey<Long>> LONGS = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<String, AttributeKey<Boolean>> BOOLEANS = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<String, AttributeKey<Double>> DOUBLES = new ConcurrentHashMap<>();

    private SpanAttributeKeys() {
    }

    /** Puts an event's attribute as {@code ConnectionSpans} always typed it: whole numbers as long, lists as strings. */
    static void putEventAttribute(AttributesBuilder a, String name, Object value) {
        if (value instanceof Long l) {
            a.put(key(LONGS, name, AttributeKey::longKey), l);
        } else if (value instanceof Integer i) {
            a.put(key(LONGS, name, AttributeKey::longKey), (long) i);
        } else if (value instanceof Boolean b) {
            a.put(key(BOOLEANS, name, AttributeKey::booleanKey), b);
        } else if (value instanceof Double d) {
            a.put(key(DOUBLES, name, AttributeKey::doubleKey), d);
        } else if (value instanceof List<?> list) {
            a.put(name, list.stream().map(String::valueOf).toArray(String[]::new));
        } else {
            a.put(key(STRINGS, name, AttributeKey::stringKey), String.valueOf(value));
        }
    }

    /** An event's attributes, from the tracker's map. */
    static Attributes eventAttributes(ConnectionEvent event) {
        if (event.isWithoutAttributes()) {
            return Attributes.empty();
        }
        AttributesBuilder a = Attributes.builder();
        event.forEachAttribute((name, value) -> putEventAttribute(a, name, value));
        return a.build();
    }

    private static <T> AttributeKey<T> key(ConcurrentHashMap<String, AttributeKey<T>> keys, String name,
                                           Function<String, AttributeKey<T>> make) {
        AttributeKey<T> key = keys.get(name);
        if (key != null) {
            return key;
        }
        if (keys.size() >= MAX_EVENT_KEYS) {
            return make.apply(name);
        }
        return keys.computeIfAbsent(name, make);
    }
}
