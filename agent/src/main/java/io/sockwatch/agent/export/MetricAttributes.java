package io.sockwatch.agent.export;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.sockwatch.agent.classify.Verdict;
import io.sockwatch.agent.tracker.ConnectionState;
import io.sockwatch.agent.tracker.Role;
import java.net.UnixDomainSocketAddress;
import java.util.HashMap;
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

    /**
     * Everything one attribute set depends on, read from the connection: the set is a function of it, so equal keys
     * can share one built set ({@link Sets}).
     *
     * @param role     the {@code socket.role} value, or null for the connect instruments, which have none
     * @param address  {@code server.address}, or null
     * @param port     {@code server.port}, or -1
     * @param origin   for the ending instruments, else null (and {@code reason} with it)
     * @param errorType for a failed connect, else null
     */
    record SetKey(String role, String api, boolean unix, String address, long port, String origin, String reason,
                  String errorType) {

        Attributes build() {
            AttributesBuilder a = Attributes.builder();
            if (role != null) {
                a.put(ROLE, role);
            }
            a.put(API, api);
            a.put(TRANSPORT, unix ? "unix" : "tcp");
            if (address != null) {
                a.put(SERVER_ADDRESS, address);
            }
            if (port >= 0) {
                a.put(SERVER_PORT, port);
            }
            if (origin != null) {
                a.put(ORIGIN, origin);
                a.put(REASON, reason);
            }
            if (errorType != null) {
                a.put(ERROR_TYPE, errorType);
            }
            return a.build();
        }
    }

    /** Of {@code sockwatch.connection.count}: who plays which part with which peer service. */
    static Attributes peer(ConnectionState c, boolean overflow) {
        return peerKey(c, overflow).build();
    }

    /** Of the ending instruments: the peer attributes and the verdict. */
    static Attributes ending(ConnectionState c, Verdict verdict, boolean overflow) {
        return endingKey(c, verdict, overflow).build();
    }

    /** Of the connect instruments: the peer service, and on a failure its reason as {@code error.type}. */
    static Attributes connect(ConnectionState c, Verdict failure, boolean overflow) {
        return connectKey(c, failure, overflow).build();
    }

    static SetKey peerKey(ConnectionState c, boolean overflow) {
        return key(c, roleName(c.role()), overflow, null, null, null);
    }

    static SetKey endingKey(ConnectionState c, Verdict verdict, boolean overflow) {
        return key(c, roleName(c.role()), overflow, verdict.origin().value(), verdict.reason().value(), null);
    }

    static SetKey connectKey(ConnectionState c, Verdict failure, boolean overflow) {
        return key(c, null, overflow, null, null, failure == null ? null : failure.reason().value());
    }

    private static String roleName(Role role) {
        return switch (role) {
            case CLIENT -> "client";
            case SERVER -> "server";
            default -> role.name().toLowerCase(Locale.ROOT);
        };
    }

    private static SetKey key(ConnectionState c, String role, boolean overflow, String origin, String reason,
                              String errorType) {
        // Asked of the state's fields: an address object is built only for a Unix domain server's path (rare).
        boolean unix = c.isUnixDomain();
        String address = null;
        long port = -1;
        if (overflow) {
            address = OVERFLOW_PEER;
        } else if (c.role() == Role.CLIENT) {
            if (c.requestedHost() != null) {
                address = c.requestedHost();
                if (!unix) {
                    port = c.requestedPort();
                }
            }
        } else if (c.role() == Role.SERVER && !unix) {
            // The service this process offers: its listening port, never the client's ephemeral one.
            if (c.localPort() > 0) {
                port = c.localPort();
            }
        } else if (c.role() == Role.SERVER && c.local() instanceof UnixDomainSocketAddress path
                && !path.getPath().toString().isEmpty()) {
            address = path.getPath().toString();
        }
        return new SetKey(role, c.api(), unix, address, port, origin, reason, errorType);
    }

    /**
     * The sets built so far, by key: a connection's sets are those of the many connections before it to the same
     * peer service, and building one (a builder, a sort) cost more than recording it. The export thread's only;
     * bounded, beyond which sets are built each time.
     */
    static final class Sets {
        private static final int MAX = 4096;
        private final HashMap<SetKey, Attributes> built = new HashMap<>();

        Attributes of(SetKey key) {
            Attributes a = built.get(key);
            if (a == null) {
                a = key.build();
                if (built.size() < MAX) {
                    built.put(key, a);
                }
            }
            return a;
        }
    }
}
