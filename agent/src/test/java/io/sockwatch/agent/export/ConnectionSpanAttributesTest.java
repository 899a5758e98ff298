package io.sockwatch.agent.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;

import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;

import io.sockwatch.agent.classify.Origin;
import io.sockwatch.agent.classify.Reason;
import io.sockwatch.agent.classify.Verdict;
import io.sockwatch.agent.tracker.ConnectionEvent;
import io.sockwatch.agent.tracker.ConnectionState;
import io.sockwatch.agent.tracker.ConnectionTracker;
import io.sockwatch.agent.tracker.PeerFilter;
import io.sockwatch.agent.tracker.TestConnections;
import io.sockwatch.agent.tracker.TrackerSettings;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The connection span's attributes are written with shared keys straight into the span builder; they must be
 * exactly what the span had when they were built with a key per attribute through an intermediate set. The
 * reference below is that former construction, kept here as the contract's witness.
 */
class ConnectionSpanAttributesTest {

    private final LinkedBlockingQueue<ConnectionState> ended = new LinkedBlockingQueue<>();
    private final List<SpanData> exported = new CopyOnWriteArrayList<>();
    private ConnectionTracker tracker;
    private SdkTracerProvider provider;

    @BeforeEach
    void start() {
        // Call sites on close and open: the events then carry code.* attributes.
        tracker = new ConnectionTracker(new TrackerSettings(true, true, 3, 0, 64,
                PeerFilter.parse(List.of(), new ArrayList<>()), false, Long.MAX_VALUE, false), ended::add);
        tracker.registerInspector("v4", TestConnections.fixedAddresses(new InetSocketAddress(InetAddress.getLoopbackAddress(), 5432),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000)));
        tracker.registerInspector("v6", TestConnections.fixedAddresses(new InetSocketAddress(v6Loopback(), 443),
                new InetSocketAddress(v6Loopback(), 40001)));
        tracker.registerInspector("unix", TestConnections.fixedAddresses(UnixDomainSocketAddress.of(Path.of("/tmp/sockwatch-test.sock")),
                UnixDomainSocketAddress.of("")));
        tracker.start(() -> { }, () -> new Object[0]);
        provider = SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(new CollectingSpanExporter(exported))).build();
    }

    @AfterEach
    void stop() {
        tracker.shutdown();
        provider.close();
    }

    private static InetAddress v6Loopback() {
        try {
            return Inet6Address.getByName("::1");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private ConnectionState client(String api, Object remote, Exception readFailure) throws Exception {
        Object socket = new Object();
        tracker.connectStarted(socket, remote, 0, api);
        tracker.connectEnded(socket, null);
        tracker.write(socket, 16, null);
        tracker.read(socket, readFailure == null ? 16 : -1, readFailure);
        tracker.closing(socket);
        return ended();
    }

    private ConnectionState server(String api, boolean peerFinFirst) throws Exception {
        Object socket = new Object();
        tracker.acceptEnded(new Object(), socket, null, api);
        tracker.read(socket, 16, null);
        if (peerFinFirst) {
            tracker.read(socket, -1, null);
        }
        tracker.closing(socket);
        return ended();
    }

    private ConnectionState ended() throws InterruptedException {
        ConnectionState s = ended.poll(5, TimeUnit.SECONDS);
        assertNotNull(s, "the connection ended");
        return s;
    }

    /** The span written for {@code c}: its attributes and its events' must be the reference's. */
    private void assertSameAsBefore(ConnectionState c) {
        Verdict verdict = c.verdict();
        Attributes before = referenceAttributes(c, verdict);
        assertEquals(before, ConnectionSpans.attributes(c, verdict));

        exported.clear();
        assertTrue(new ConnectionSpans(provider.get("io.sockwatch"), false).write(c));
        assertEquals(1, exported.size());
        SpanData span = exported.get(0);
        assertEquals(before.asMap(), span.getAttributes().asMap()); // the SDK's span keeps its own map
        List<ConnectionEvent> events = c.events();
        assertEquals(events.size(), span.getEvents().size());
        for (int i = 0; i < events.size(); i++) {
            EventData written = span.getEvents().get(i);
            assertEquals(events.get(i).name(), written.getName());
            assertEquals(referenceEventAttributes(events.get(i).attributes()).asMap(),
                    written.getAttributes().asMap(), events.get(i).name());
        }
    }

    @Test
    void aClientClosedHereWithItsCallSite() throws Exception {
        ConnectionState c = client("v4", new InetSocketAddress("localhost", 5432), null);
        assertEquals(Origin.LOCAL_CLOSE, c.verdict().origin());
        assertTrue(c.events().stream().anyMatch(e -> e.attributes().containsKey("code.stacktrace")),
                "the close's call site is among what is compared");
        assertSameAsBefore(c);
    }

    @Test
    void aResetClientWithItsExceptionEvent() throws Exception {
        ConnectionState c = client("v4", new InetSocketAddress("db.example", 5432),
                new SocketException("Connection reset"));
        assertEquals(Reason.RESET, c.verdict().reason());
        assertNotNull(c.statusErrorType());
        assertSameAsBefore(c);
    }

    @Test
    void anIpv6ServerEndedByThePeerOverTlsThatWasCutShort() throws Exception {
        ConnectionState c = server("v6", true);
        TestConnections.tls(c, "TLSv1.3", true, null, false);
        assertEquals(Boolean.TRUE, ConnectionSpans.attributes(c, c.verdict())
                .get(AttributeKey.booleanKey("socket.tls.truncated")), "the TLS block is among what is compared");
        assertSameAsBefore(c);
    }

    @Test
    void aFailedTlsHandshakeFirstSeenMidLifeWithDroppedEvents() throws Exception {
        ConnectionState c = server("v4", false);
        TestConnections.tls(c, null, false, "javax.net.ssl.SSLHandshakeException: no cipher suites in common",
                false);
        TestConnections.firstSeenMidLife(c);
        TestConnections.addEvents(c, "socket.timeout", 40, Map.of("socket.operation", "read", "socket.idle_ms", 12L,
                "socket.eof.after_local_shutdown", false, "ratio", 0.5, "ids", List.of(1, 2)));
        assertTrue(c.droppedEvents() > 0);
        assertSameAsBefore(c);
    }

    @Test
    void aUnixDomainClient() throws Exception {
        ConnectionState c = client("unix", UnixDomainSocketAddress.of(Path.of("/tmp/sockwatch-test.sock")), null);
        assertSameAsBefore(c);
    }

    @Test
    void eventKeysAreMadeOncePerNameAndType() {
        Attributes first = ConnectionSpans.toAttributes(Map.of("thread.name", "main", "socket.idle_ms", 3L));
        Attributes second = ConnectionSpans.toAttributes(Map.of("thread.name", "worker", "socket.idle_ms", 4));
        AttributeKey<?> a = first.asMap().keySet().stream().filter(k -> k.getKey().equals("thread.name"))
                .findFirst().orElseThrow();
        AttributeKey<?> b = second.asMap().keySet().stream().filter(k -> k.getKey().equals("thread.name"))
                .findFirst().orElseThrow();
        assertSame(a, b);
        assertEquals(4L, second.get(AttributeKey.longKey("socket.idle_ms")), "an int is a long, as before");
    }

    // ---- the reference: the attributes as they were built before the shared keys -------------------------------

    private static Attributes referenceAttributes(ConnectionState c, Verdict verdict) {
        AttributesBuilder a = Attributes.builder();
        SocketAddress peer = c.peer();
        SocketAddress local = c.local();
        boolean unix = peer instanceof UnixDomainSocketAddress || local instanceof UnixDomainSocketAddress;
        a.put("network.transport", unix ? "unix" : "tcp");
        SocketAddress any = peer != null ? peer : local;
        if (any instanceof InetSocketAddress isa && isa.getAddress() != null) {
            a.put("network.type", isa.getAddress() instanceof Inet6Address ? "ipv6" : "ipv4");
        }
        referenceAddress(a, "network.peer", peer);
        referenceAddress(a, "network.local", local);
        if (c.requestedHost() != null) {
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
            a.put("tls.protocol.name", "tls");
            String protocol = c.tlsProtocol();
            if (protocol != null && protocol.startsWith("TLSv")) {
                a.put("tls.protocol.version", protocol.substring("TLSv".length()));
            }
            boolean established = Boolean.TRUE.equals(c.tlsEstablished());
            a.put("tls.established", established);
            if (c.tlsHandshakeError() != null) {
                a.put("socket.tls.handshake.error", c.tlsHandshakeError());
            }
            a.put("socket.tls.close_notify", c.tlsCloseNotifyReceived() ? "received" : "none");
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

    private static void referenceAddress(AttributesBuilder a, String prefix, SocketAddress address) {
        if (address instanceof InetSocketAddress isa) {
            if (isa.getAddress() != null) {
                a.put(prefix + ".address", isa.getAddress().getHostAddress());
            }
            a.put(prefix + ".port", (long) isa.getPort());
        } else if (address instanceof UnixDomainSocketAddress uds && !uds.getPath().toString().isEmpty()) {
            a.put(prefix + ".address", uds.getPath().toString());
        }
    }

    private static Attributes referenceEventAttributes(Map<String, Object> values) {
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
