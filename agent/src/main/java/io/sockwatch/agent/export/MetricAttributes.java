package io.sockwatch.agent.export;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.sockwatch.agent.classify.Verdict;
import io.sockwatch.agent.tracker.ConnectionState;
import io.sockwatch.agent.tracker.Role;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.Locale;

/**
 * The attribute sets of the metrics (docs/telemetry.md, Metrics): closed sets only, and the peer service, never a
 * client's ephemeral port. Each set comes in two forms: with its peer, and with the peer replaced by the overflow
 * bucket ({@code server.address=_OTHER}, no port), which {@link PeerSetCap} chooses between.
 */
final class MetricAttributes {

    static final String OVERFLOW_PEER = "_OTHER";

    static final AttributeKey<String> ROLE = AttributeKey.stringKey("socket.role");
    static final AttributeKey<String> API = AttributeKey.stringKey("socket.api");
    static final AttributeKey<String> TRANSPORT = AttributeKey.stringKey("network.transport");
    static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
    static final AttributeKey<String> ORIGIN = AttributeKey.stringKey("socket.close.origin");
    static final AttributeKey<String> REASON = AttributeKey.stringKey("socket.close.reason");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    private MetricAttributes() {
    }

    /** Of {@code sockwatch.connection.count}: who plays which part with which peer service. */
    static Attributes peer(ConnectionState c, boolean overflow) {
        AttributesBuilder a = Attributes.builder();
        a.put(ROLE, c.role().name().toLowerCase(Locale.ROOT));
        common(a, c, overflow);
        return a.build();
    }

    /** Of the ending instruments: the peer attributes and the verdict. */
    static Attributes ending(ConnectionState c, Verdict verdict, boolean overflow) {
        AttributesBuilder a = Attributes.builder();
        a.put(ROLE, c.role().name().toLowerCase(Locale.ROOT));
        common(a, c, overflow);
        a.put(ORIGIN, verdict.origin().value());
        a.put(REASON, verdict.reason().value());
        return a.build();
    }

    /** Of the connect instruments: the peer service, and on a failure its reason as {@code error.type}. */
    static Attributes connect(ConnectionState c, Verdict failure, boolean overflow) {
        AttributesBuilder a = Attributes.builder();
        common(a, c, overflow);
        if (failure != null) {
            a.put(ERROR_TYPE, failure.reason().value());
        }
        return a.build();
    }

    private static void common(AttributesBuilder a, ConnectionState c, boolean overflow) {
        a.put(API, c.api());
        SocketAddress local = c.role() == Role.SERVER ? c.local() : null;
        boolean unix = local instanceof UnixDomainSocketAddress || c.peer() instanceof UnixDomainSocketAddress;
        a.put(TRANSPORT, unix ? "unix" : "tcp");
        if (overflow) {
            a.put(SERVER_ADDRESS, OVERFLOW_PEER);
            return;
        }
        if (c.role() == Role.CLIENT) {
            if (c.requestedHost() != null) {
                a.put(SERVER_ADDRESS, c.requestedHost());
                if (!unix) {
                    a.put(SERVER_PORT, (long) c.requestedPort());
                }
            }
        } else if (local instanceof InetSocketAddress isa) {
            // The service this process offers: its listening port, never the client's ephemeral one.
            a.put(SERVER_PORT, (long) isa.getPort());
        } else if (local instanceof UnixDomainSocketAddress path && !path.getPath().toString().isEmpty()) {
            a.put(SERVER_ADDRESS, path.getPath().toString());
        }
    }
}
