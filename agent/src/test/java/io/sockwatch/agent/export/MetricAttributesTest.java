package io.sockwatch.agent.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.sockwatch.agent.classify.Operation;
import io.sockwatch.agent.classify.Origin;
import io.sockwatch.agent.classify.Reason;
import io.sockwatch.agent.classify.Verdict;
import io.sockwatch.agent.tracker.ConnectionState;
import io.sockwatch.agent.tracker.TestConnections;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import org.junit.jupiter.api.Test;

class MetricAttributesTest {

    private static final Verdict RESET = new Verdict(Origin.PEER_RST, Reason.RESET, Operation.READ,
            "java.net.SocketException");
    private static final Verdict REFUSED = new Verdict(Origin.PEER_RST, Reason.REFUSED, Operation.CONNECT,
            "java.net.ConnectException");

    @Test
    void aClientsPeerIsTheServiceItAskedFor() {
        ConnectionState c = TestConnections.client("java.net.Socket", "db.internal", 5432,
                new InetSocketAddress("10.0.0.7", 5432), new InetSocketAddress("10.0.0.1", 41234));
        assertEquals(Attributes.builder().put("socket.role", "client").put("socket.api", "java.net.Socket")
                .put("network.transport", "tcp").put("server.address", "db.internal").put("server.port", 5432L)
                .put("socket.close.origin", "peer_rst").put("socket.close.reason", "reset").build(),
                MetricAttributes.ending(c, RESET, false));
    }

    @Test
    void aServersPeerIsItsListeningPortNeverTheClientsEphemeralOne() {
        ConnectionState c = TestConnections.server("java.nio.channels.SocketChannel",
                new InetSocketAddress("10.0.0.1", 8080), new InetSocketAddress("10.0.0.9", 51515));
        Attributes a = MetricAttributes.peer(c, false);
        assertEquals(Attributes.builder().put("socket.role", "server").put("socket.api",
                "java.nio.channels.SocketChannel").put("network.transport", "tcp").put("server.port", 8080L).build(), a);
    }

    @Test
    void aUnixDomainPeerIsItsSocketFileWithoutPort() {
        ConnectionState client = TestConnections.client("java.nio.channels.SocketChannel", "/run/app.sock", 0,
                UnixDomainSocketAddress.of("/run/app.sock"), null);
        Attributes a = MetricAttributes.peer(client, false);
        assertEquals("unix", a.get(AttributeKey.stringKey("network.transport")));
        assertEquals("/run/app.sock", a.get(AttributeKey.stringKey("server.address")));
        assertNull(a.get(AttributeKey.longKey("server.port")));
        ConnectionState server = TestConnections.server("java.nio.channels.SocketChannel",
                UnixDomainSocketAddress.of("/run/app.sock"), UnixDomainSocketAddress.of(""));
        assertEquals("/run/app.sock", MetricAttributes.peer(server, false).get(AttributeKey.stringKey("server.address")));
    }

    @Test
    void theOverflowFormKeepsEverythingButThePeer() {
        ConnectionState c = TestConnections.client("java.net.Socket", "10.1.2.3", 443, null, null);
        assertEquals(Attributes.builder().put("socket.api", "java.net.Socket").put("network.transport", "tcp")
                .put("server.address", "_OTHER").put("error.type", "refused").build(),
                MetricAttributes.connect(c, REFUSED, true));
        assertEquals(Attributes.builder().put("socket.api", "java.net.Socket").put("network.transport", "tcp")
                .put("server.address", "10.1.2.3").put("server.port", 443L).build(),
                MetricAttributes.connect(c, null, false));
    }

    @Test
    void connectionsToTheSameServiceShareOneBuiltSetAndAnotherServiceHasItsOwn() {
        MetricAttributes.Sets sets = new MetricAttributes.Sets();
        ConnectionState first = TestConnections.client("java.net.Socket", "db.internal", 5432,
                new InetSocketAddress("10.0.0.7", 5432), new InetSocketAddress("10.0.0.1", 41234));
        ConnectionState second = TestConnections.client("java.net.Socket", "db.internal", 5432,
                new InetSocketAddress("10.0.0.7", 5432), new InetSocketAddress("10.0.0.1", 41999));
        ConnectionState other = TestConnections.client("java.net.Socket", "db.internal", 5433,
                new InetSocketAddress("10.0.0.7", 5433), new InetSocketAddress("10.0.0.1", 41235));
        Attributes shared = sets.of(MetricAttributes.endingKey(first, RESET, false));
        assertSame(shared, sets.of(MetricAttributes.endingKey(second, RESET, false)), "the client port is no part of it");
        assertEquals(MetricAttributes.ending(second, RESET, false), shared, "what building it gives");
        assertEquals(5433L, sets.of(MetricAttributes.endingKey(other, RESET, false))
                .get(AttributeKey.longKey("server.port")));
        assertEquals(MetricAttributes.peer(first, false), sets.of(MetricAttributes.peerKey(first, false)));
        assertEquals(MetricAttributes.connect(first, REFUSED, true),
                sets.of(MetricAttributes.connectKey(first, REFUSED, true)));
    }

    @Test
    void theCapAdmitsUpToItsSizeThenOverflowsAndAnAdmittedSetStaysAdmitted() {
        PeerSetCap cap = new PeerSetCap(2);
        Attributes overflow = Attributes.of(MetricAttributes.SERVER_ADDRESS, "_OTHER");
        Attributes a = Attributes.of(MetricAttributes.SERVER_ADDRESS, "a");
        Attributes b = Attributes.of(MetricAttributes.SERVER_ADDRESS, "b");
        Attributes c = Attributes.of(MetricAttributes.SERVER_ADDRESS, "c");
        assertSame(a, admitOr(cap, a, overflow));
        assertSame(b, admitOr(cap, b, overflow));
        assertSame(overflow, admitOr(cap, c, overflow));
        assertEquals(Attributes.of(MetricAttributes.SERVER_ADDRESS, "a"),
                admitOr(cap, Attributes.of(MetricAttributes.SERVER_ADDRESS, "a"), overflow), "an equal set");
        assertSame(overflow, admitOr(cap, c, overflow), "c stays in the overflow, so its -1 lands with its +1");
        assertEquals(2, cap.admittedCount());
        assertEquals(2, cap.overflowedCount());
    }

    @Test
    void exportFailuresAndDroppedSpansHaveClosedSetsOfCauses() {
        assertEquals("unreachable", ExportHealth.errorType(ExportFailures.fromCause(
                new java.net.ConnectException("Connection refused")).reason()));
        assertEquals("timeout", ExportHealth.errorType(ExportFailures.fromCause(
                new java.net.http.HttpTimeoutException("request timed out")).reason()));
        assertEquals("rejected", ExportHealth.errorType("rejected by the collector with HTTP status 503"));
        assertEquals("other", ExportHealth.errorType(ExportFailures.fromCause(new IllegalStateException("x")).reason()));
        assertEquals("queue_full", ExportHealth.droppedType(DeliveryLedger.QUEUE_FULL));
        assertEquals("build_failed", ExportHealth.droppedType(DeliveryLedger.BUILD_FAILED));
        assertEquals("export_failed", ExportHealth.droppedType("endpoint unreachable (connection refused)"));
    }

    private static Attributes admitOr(PeerSetCap cap, Attributes withPeer, Attributes overflow) {
        Attributes admitted = cap.admit(withPeer);
        return admitted != null ? admitted : overflow;
    }
}
