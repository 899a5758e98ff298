package io.sockwatch.agent.export;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.sockwatch.agent.classify.Origin;
import io.sockwatch.agent.classify.Reason;
import io.sockwatch.agent.classify.Verdict;
import io.sockwatch.agent.tracker.ConnectionEvent;
import io.sockwatch.agent.tracker.ConnectionState;
import io.sockwatch.agent.tracker.Role;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Turns each ended connection into one {@code socket.connection} span (telemetry contract v1, docs/telemetry.md).
 *
 * <p>The span is built after the fact with the connection's own start and end times, so nothing OpenTelemetry
 * does ever runs during the application's reads and writes.
 */
public final class ConnectionSpans {

    public static final String SPAN_NAME = "socket.connection";
    /** Failed accepts on a listening socket: never a connection of their own. */
    public static final String LISTENER_SPAN_NAME = "socket.listener";

    private final Tracer tracer;
    private final boolean errorsOnly;

    public ConnectionSpans(Tracer tracer, boolean errorsOnly) {
        this.tracer = tracer;
        this.errorsOnly = errorsOnly;
    }

    /** Ends the connection's span; false when it has none (no verdict, spans=errors without an error, not sampled). */
    public boolean write(ConnectionState c) {
        Verdict verdict = c.verdict();
        if (verdict == null || (errorsOnly && c.statusErrorType() == null)) {
            return false;
        }
        SpanBuilder builder = tracer.spanBuilder(c.role() == Role.LISTENER ? LISTENER_SPAN_NAME : SPAN_NAME)
                .setNoParent()
                .setSpanKind(switch (c.role()) {
                    case CLIENT -> SpanKind.CLIENT;
                    case SERVER -> SpanKind.SERVER;
                    case LISTENER, UNKNOWN -> SpanKind.INTERNAL;
                })
                .setStartTimestamp(c.startEpochNanos(), TimeUnit.NANOSECONDS)
                .setAllAttributes(attributes(c, verdict));
        Span span = builder.startSpan();
        if (!span.isRecording()) {
            return false; // the sampler said no: nothing to build, nothing lost
        }
        for (ConnectionEvent e : c.events()) {
            span.addEvent(e.name(), toAttributes(e.attributes()), e.epochNanos(), TimeUnit.NANOSECONDS);
        }
        if (c.statusErrorType() != null) {
            span.setStatus(StatusCode.ERROR, verdict.origin().value() + ": " + verdict.reason().value());
        }
        span.end(Math.max(c.endEpochNanos(), c.startEpochNanos()), TimeUnit.NANOSECONDS);
        return true;
    }

    static Attributes attributes(ConnectionState c, Verdict verdict) {
        AttributesBuilder a = Attributes.builder();
        SocketAddress peer = c.peer();
        SocketAddress local = c.local();
        boolean unix = peer instanceof UnixDomainSocketAddress || local instanceof UnixDomainSocketAddress;
        a.put("network.transport", unix ? "unix" : "tcp");
        SocketAddress any = peer != null ? peer : local;
        if (any instanceof InetSocketAddress isa && isa.getAddress() != null) {
            a.put("network.type", isa.getAddress() instanceof Inet6Address ? "ipv6" : "ipv4");
        }
        putAddress(a, "network.peer", peer);
        putAddress(a, "network.local", local);
        if (c.requestedHost() != null) {
            // For a Unix domain socket the server is its path, and there is no port (OpenTelemetry conventions).
            a.put("server.address", c.requestedHost());
            if (!unix) {
                a.put("server.port", (long) c.requestedPort());
            }
        }
        a.put("socket.api", c.api());
        a.put("socket.close.origin", verdict.origin().value());
        a.put("socket.close.reason", verdict.reason().value());
        a.put("socket.close.detected_by", verdict.detectedBy().detectedBy());
        a.put("socket.bytes.read", c.bytesRead());
        a.put("socket.bytes.written", c.bytesWritten());
        a.put("socket.idle_ms", c.idleMillis());
        String errorType = c.statusErrorType();
        if (errorType != null) {
            a.put("error.type", errorType);
        }
        if (c.isTls()) {
            // OpenTelemetry's tls.* conventions, and what sockwatch adds about how the TLS session ended.
            a.put("tls.protocol.name", "tls");
            String protocol = c.tlsProtocol();
            if (protocol != null && protocol.startsWith("TLSv")) {
                a.put("tls.protocol.version", protocol.substring("TLSv".length()));
            }
            // A handshake that failed, or never completed before the connection ended, did not establish TLS.
            boolean established = Boolean.TRUE.equals(c.tlsEstablished());
            a.put("tls.established", established);
            if (c.tlsHandshakeError() != null) {
                a.put("socket.tls.handshake.error", c.tlsHandshakeError());
            }
            a.put("socket.tls.close_notify", c.tlsCloseNotifyReceived() ? "received" : "none");
            // After a completed handshake, the peer's TCP FIN without its close_notify: the TLS stream may have
            // been cut short. Before it, there was no TLS stream to cut.
            a.put("socket.tls.truncated", established && !c.tlsCloseNotifyReceived()
                    && verdict.origin() == Origin.PEER_FIN && verdict.reason() == Reason.EOF);
        }
        if (c.firstSeenMidLife()) {
            a.put("socket.first_seen_mid_life", true);
        }
        if (c.droppedEvents() > 0) {
            a.put("socket.events.dropped", (long) c.droppedEvents());
        }
        return a.build();
    }

    private static void putAddress(AttributesBuilder a, String prefix, SocketAddress address) {
        if (address instanceof InetSocketAddress isa) {
            if (isa.getAddress() != null) {
                a.put(prefix + ".address", isa.getAddress().getHostAddress());
            }
            a.put(prefix + ".port", (long) isa.getPort());
        } else if (address instanceof UnixDomainSocketAddress uds && !uds.getPath().toString().isEmpty()) {
            a.put(prefix + ".address", uds.getPath().toString());
        }
    }

    static Attributes toAttributes(Map<String, Object> values) {
        if (values.isEmpty()) {
            return Attributes.empty();
        }
        AttributesBuilder a = Attributes.builder();
        values.forEach((k, v) -> {
            if (v instanceof Long l) {
                a.put(k, l);
            } else if (v instanceof Integer i) {
                a.put(k, (long) i);
            } else if (v instanceof Boolean b) {
                a.put(k, b);
            } else if (v instanceof Double d) {
                a.put(k, d);
            } else if (v instanceof List<?> list) {
                a.put(k, list.stream().map(String::valueOf).toArray(String[]::new));
            } else {
                a.put(k, String.valueOf(v));
            }
        });
        return a.build();
    }
}
