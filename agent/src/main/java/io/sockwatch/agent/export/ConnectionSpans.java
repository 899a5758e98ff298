package io.sockwatch.agent.export;

import static io.sockwatch.agent.export.SpanAttributeKeys.*;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.sockwatch.agent.classify.Origin;
import io.sockwatch.agent.classify.Reason;
import io.sockwatch.agent.classify.Verdict;
import io.sockwatch.agent.tracker.ApplicationTraces;
import io.sockwatch.agent.tracker.ConnectionEvent;
import io.sockwatch.agent.tracker.ConnectionState;
import io.sockwatch.agent.tracker.Role;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
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

    /**
     * The verdict in the trace of the request that suffered the ending (docs/telemetry.md): this, a space and
     * {@code origin/reason}, which trace timelines then show without a click.
     */
    public static final String ENDING_SPAN_NAME = "socket.ending";
    /** What a link of a sockwatch span points to: {@code opened_in}, {@code ended_in}, {@code connection}. */
    static final AttributeKey<String> LINK =
            AttributeKey.stringKey("socket.link");

    private final Tracer tracer;
    private final boolean errorsOnly;
    private final ApplicationTraces traces;
    private final DeliveryLedger ledger;

    public ConnectionSpans(Tracer tracer, boolean errorsOnly) {
        this(tracer, errorsOnly, ApplicationTraces.NONE, new DeliveryLedger());
    }

    /**
     * @param traces reads the application's spans the tracker captured
     * @param ledger counts each {@code socket.ending} span as handed, so that it is accounted for like a connection
     */
    public ConnectionSpans(Tracer tracer, boolean errorsOnly, ApplicationTraces traces, DeliveryLedger ledger) {
        this.tracer = tracer;
        this.errorsOnly = errorsOnly;
        this.traces = traces;
        this.ledger = ledger;
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
                .setStartTimestamp(c.startEpochNanos(), TimeUnit.NANOSECONDS);
        writeAttributes(c, verdict, new SpanBuilderTarget(builder));
        SpanContext openedIn = applicationSpan(c.openedIn());
        SpanContext endedIn = applicationSpan(c.endedIn());
        if (openedIn != null) {
            builder.addLink(openedIn, Attributes.of(LINK, "opened_in"));
        }
        if (endedIn != null) {
            builder.addLink(endedIn, Attributes.of(LINK, "ended_in"));
        }
        Span span = builder.startSpan();
        boolean recorded = span.isRecording(); // else the sampler said no: nothing to build, nothing lost
        if (recorded) {
            for (ConnectionEvent e : c.events()) {
                span.addEvent(e.name(), SpanAttributeKeys.eventAttributes(e), e.epochNanos(), TimeUnit.NANOSECONDS);
            }
            if (c.statusErrorType() != null) {
                span.setStatus(StatusCode.ERROR, verdict.origin().value() + ": " + verdict.reason().value());
            }
            span.end(Math.max(c.endEpochNanos(), c.startEpochNanos()), TimeUnit.NANOSECONDS);
        }
        // Whether or not the connection span was sampled: the request's trace decides for its own spans.
        if (endedIn != null && verdict.origin() != Origin.LOCAL_CLOSE) {
            writeEnding(c, verdict, endedIn, span.getSpanContext());
        }
        return recorded;
    }

    /** The {@code socket.ending} span, a child of the application's span that was current at the ending. */
    private void writeEnding(ConnectionState c, Verdict verdict, SpanContext request, SpanContext connection) {
        long at = c.endedInEpochNanos();
        ledger.handed();
        Span ending = tracer.spanBuilder(ENDING_SPAN_NAME + " " + verdict.origin().value() + "/"
                        + verdict.reason().value())
                .setParent(Context.root().with(Span.wrap(request)))
                .setSpanKind(SpanKind.INTERNAL)
                .setStartTimestamp(at, TimeUnit.NANOSECONDS)
                .setAllAttributes(endingAttributes(attributes(c, verdict)))
                .addLink(connection, Attributes.of(LINK, "connection"))
                .startSpan();
        if (!ending.isRecording()) {
            ledger.notExported(1); // the request's trace was not sampled
            return;
        }
        if (c.statusErrorType() != null) {
            ending.setStatus(StatusCode.ERROR, verdict.origin().value() + ": " + verdict.reason().value());
        }
        ending.end(at, TimeUnit.NANOSECONDS);
    }

    /** The connection span's attributes that say what ended and where: not its byte counts, idle time or TLS. */
    static Attributes endingAttributes(Attributes connection) {
        AttributesBuilder a = Attributes.builder();
        connection.forEach((key, value) -> {
            String k = key.getKey();
            if (k.startsWith("network.") || k.startsWith("server.") || k.startsWith("socket.close.")
                    || k.equals("socket.api") || k.equals("error.type")) {
                @SuppressWarnings("unchecked")
                AttributeKey<Object> any =
                        (AttributeKey<Object>) key;
                a.put(any, value);
            }
        });
        return a.build();
    }

    /** An application's span the tracker captured, as a remote span context; null when there is none. */
    private SpanContext applicationSpan(Object captured) {
        if (captured == null) {
            return null;
        }
        ApplicationTraces.SpanIds ids = traces.ids(captured);
        if (ids == null) {
            return null;
        }
        SpanContext context = SpanContext.createFromRemoteParent(ids.traceId(), ids.spanId(),
                ids.sampled() ? TraceFlags.getSampled() : TraceFlags.getDefault(), TraceState.getDefault());
        return context.isValid() ? context : null;
    }

    /** The connection span's attributes, as an {@link Attributes} (the ending span, tests). */
    static Attributes attributes(ConnectionState c, Verdict verdict) {
        AttributesBuilder a = Attributes.builder();
        writeAttributes(c, verdict, new BuilderTarget(a));
        return a.build();
    }

    /**
     * Where a connection's attributes are written: straight into the span's builder, which keeps its own map of
     * them anyway, so that no intermediate set is built, sorted and copied per span.
     */
    interface AttributeTarget {
        void put(AttributeKey<String> key, String value);

        void put(AttributeKey<Long> key, long value);

        void put(AttributeKey<Boolean> key, boolean value);
    }

    private record SpanBuilderTarget(SpanBuilder builder) implements AttributeTarget {
        @Override
        public void put(AttributeKey<String> key, String value) {
            builder.setAttribute(key, value);
        }

        @Override
        public void put(AttributeKey<Long> key, long value) {
            builder.setAttribute(key, value);
        }

        @Override
        public void put(AttributeKey<Boolean> key, boolean value) {
            builder.setAttribute(key, value);
        }
    }

    private record BuilderTarget(AttributesBuilder builder) implements AttributeTarget {
        @Override
        public void put(AttributeKey<String> key, String value) {
            builder.put(key, value);
        }

        @Override
        public void put(AttributeKey<Long> key, long value) {
            builder.put(key, value);
        }

        @Override
        public void put(AttributeKey<Boolean> key, boolean value) {
            builder.put(key, value);
        }
    }

    static void writeAttributes(ConnectionState c, Verdict verdict, AttributeTarget a) {
        SocketAddress peer = c.peer();
        SocketAddress local = c.local();
        boolean unix = peer instanceof UnixDomainSocketAddress || local instanceof UnixDomainSocketAddress;
        a.put(NETWORK_TRANSPORT, unix ? "unix" : "tcp");
        SocketAddress any = peer != null ? peer : local;
        if (any instanceof InetSocketAddress isa && isa.getAddress() != null) {
            a.put(NETWORK_TYPE, isa.getAddress() instanceof Inet6Address ? "ipv6" : "ipv4");
        }
        putAddress(a, PEER_ADDRESS, PEER_PORT, peer);
        putAddress(a, LOCAL_ADDRESS, LOCAL_PORT, local);
        if (c.requestedHost() != null) {
            // For a Unix domain socket the server is its path, and there is no port (OpenTelemetry conventions).
            a.put(SERVER_ADDRESS, c.requestedHost());
            if (!unix) {
                a.put(SERVER_PORT, (long) c.requestedPort());
            }
        }
        a.put(API, c.api());
        a.put(ORIGIN, verdict.origin().value());
        a.put(REASON, verdict.reason().value());
        a.put(DETECTED_BY, verdict.detectedBy().detectedBy());
        a.put(BYTES_READ, c.bytesRead());
        a.put(BYTES_WRITTEN, c.bytesWritten());
        a.put(IDLE_MS, c.idleMillis());
        String errorType = c.statusErrorType();
        if (errorType != null) {
            a.put(ERROR_TYPE, errorType);
        }
        if (c.isTls()) {
            // OpenTelemetry's tls.* conventions, and what sockwatch adds about how the TLS session ended.
            a.put(TLS_PROTOCOL_NAME, "tls");
            String protocol = c.tlsProtocol();
            if (protocol != null && protocol.startsWith("TLSv")) {
                a.put(TLS_PROTOCOL_VERSION, protocol.substring("TLSv".length()));
            }
            // A handshake that failed, or never completed before the connection ended, did not establish TLS.
            boolean established = Boolean.TRUE.equals(c.tlsEstablished());
            a.put(TLS_ESTABLISHED, established);
            if (c.tlsHandshakeError() != null) {
                a.put(TLS_HANDSHAKE_ERROR, c.tlsHandshakeError());
            }
            a.put(TLS_CLOSE_NOTIFY, c.tlsCloseNotifyReceived() ? "received" : "none");
            // After a completed handshake, the peer's TCP FIN without its close_notify: the TLS stream may have
            // been cut short. Before it, there was no TLS stream to cut.
            a.put(TLS_TRUNCATED, established && !c.tlsCloseNotifyReceived()
                    && verdict.origin() == Origin.PEER_FIN && verdict.reason() == Reason.EOF);
        }
        if (c.firstSeenMidLife()) {
            a.put(FIRST_SEEN_MID_LIFE, true);
        }
        if (c.droppedEvents() > 0) {
            a.put(EVENTS_DROPPED, (long) c.droppedEvents());
        }
    }

    private static void putAddress(AttributeTarget a, AttributeKey<String> addressKey, AttributeKey<Long> portKey,
                                   SocketAddress address) {
        if (address instanceof InetSocketAddress isa) {
            if (isa.getAddress() != null) {
                a.put(addressKey, isa.getAddress().getHostAddress());
            }
            a.put(portKey, (long) isa.getPort());
        } else if (address instanceof UnixDomainSocketAddress uds && !uds.getPath().toString().isEmpty()) {
            a.put(addressKey, uds.getPath().toString());
        }
    }

    /** A map of event attributes as exported (tests and tools): the same typing as the events'. */
    static Attributes toAttributes(Map<String, Object> values) {
        if (values.isEmpty()) {
            return Attributes.empty();
        }
        AttributesBuilder a = Attributes.builder();
        values.forEach((k, v) -> SpanAttributeKeys.putEventAttribute(a, k, v));
        return a.build();
    }
}
