package io.sockwatch.agent.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;

import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;

import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.sockwatch.agent.tracker.ApplicationTraces;
import io.sockwatch.agent.tracker.ConnectionState;
import io.sockwatch.agent.tracker.ConnectionTracker;
import io.sockwatch.agent.tracker.PeerFilter;
import io.sockwatch.agent.tracker.SocketInspector;
import io.sockwatch.agent.tracker.TrackerSettings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.util.ArrayList;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The application's spans the tracker captured, read back from what sockwatch exports: the connection span's links,
 * the {@code socket.ending} span in the request's trace, and how sampling treats each.
 */
class ApplicationSpansTest {

    private static final String API = "test";
    private static final AttributeKey<String> LINK = AttributeKey.stringKey("socket.link");
    private static final String OPENING = "0af7651916cd43dd8448eb211c80319c";
    private static final String FAILING = "4bf92f3577b34da6a3ce929d0e0e4736";

    /** A span of the application, as the fake tracing hands it to the tracker. */
    private record AppSpan(String traceId, String spanId, boolean sampled) {
    }

    /** The application's span current on the test thread: what a traced request would make current. */
    private volatile AppSpan current;

    private final ApplicationTraces traces = new ApplicationTraces() {
        @Override
        public Object currentSpan() {
            return current;
        }

        @Override
        public boolean isOtherAgentsExport() {
            return false;
        }

        @Override
        public SpanIds ids(Object span) {
            AppSpan s = (AppSpan) span;
            return new SpanIds(s.traceId(), s.spanId(), s.sampled());
        }
    };

    private final LinkedBlockingQueue<ConnectionState> ended = new LinkedBlockingQueue<>();
    private final List<SpanData> exported = new CopyOnWriteArrayList<>();
    private final DeliveryLedger ledger = new DeliveryLedger();
    private ConnectionTracker tracker;
    private SdkTracerProvider provider;

    @BeforeEach
    void start() {
        tracker = new ConnectionTracker(new TrackerSettings(false, false, 3, 0, 16,
                PeerFilter.parse(List.of(), new ArrayList<>()), false, Long.MAX_VALUE, false), ended::add, traces);
        tracker.registerInspector(API, new SocketInspector() {
            @Override
            public SocketAddress peer(Object socket) {
                return new InetSocketAddress(InetAddress.getLoopbackAddress(), 5432);
            }

            @Override
            public SocketAddress local(Object socket) {
                return new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000);
            }

            @Override
            public int threadsInIo(Object socket) {
                return 0;
            }
        });
        tracker.start(() -> { }, () -> new Object[0]);
        provider = SdkTracerProvider.builder().setSampler(Sampler.parentBased(Sampler.alwaysOn()))
                .addSpanProcessor(SimpleSpanProcessor.create(new CollectingSpanExporter(exported))).build();
    }

    @AfterEach
    void stop() {
        tracker.shutdown();
        provider.close();
    }

    /** Connects inside {@code opening}, suffers {@code failure} (or end of stream) inside {@code failing}, closes. */
    private ConnectionState connection(AppSpan opening, AppSpan failing, Exception failure) throws Exception {
        Object socket = new Object();
        current = opening;
        tracker.connectStarted(socket, new InetSocketAddress(InetAddress.getLoopbackAddress(), 5432), 0, API);
        tracker.connectEnded(socket, null);
        current = failing;
        tracker.read(socket, -1, failure);
        tracker.closing(socket);
        current = null;
        ConnectionState state = ended.poll(5, TimeUnit.SECONDS);
        assertNotNull(state, "the connection ended");
        return state;
    }

    private boolean write(ConnectionState state, boolean errorsOnly) {
        return new ConnectionSpans(provider.get("io.sockwatch"), errorsOnly, traces, ledger).write(state);
    }

    private SpanData named(String name) {
        return exported.stream().filter(s -> s.getName().equals(name) || s.getName().startsWith(name + " "))
                .findFirst().orElse(null);
    }

    private static String link(SpanData span, String role) {
        return span.getLinks().stream().filter(l -> role.equals(l.getAttributes().get(LINK)))
                .map(l -> l.getSpanContext().getTraceId() + "/" + l.getSpanContext().getSpanId())
                .findFirst().orElse(null);
    }

    @Test
    void aResetInARequestIsAChildOfTheRequestAndTheConnectionLinksToBothRequests() throws Exception {
        AppSpan opening = new AppSpan(OPENING, "b7ad6b7169203331", true);
        AppSpan failing = new AppSpan(FAILING, "00f067aa0ba902b7", true);
        assertTrue(write(connection(opening, failing, new SocketException("Connection reset")), false));

        SpanData connection = named("socket.connection");
        assertNotNull(connection);
        assertFalse(connection.getParentSpanContext().isValid(), "the connection is a root");
        assertEquals(OPENING + "/b7ad6b7169203331", link(connection, "opened_in"));
        assertEquals(FAILING + "/00f067aa0ba902b7", link(connection, "ended_in"));

        SpanData ending = named("socket.ending");
        assertNotNull(ending, "the verdict in the request's trace");
        assertEquals(FAILING, ending.getTraceId());
        assertEquals("00f067aa0ba902b7", ending.getParentSpanId());
        assertEquals("socket.ending peer_rst/reset", ending.getName(), "the verdict shows in the timeline");
        assertEquals(SpanKind.INTERNAL, ending.getKind());
        assertEquals(StatusCode.ERROR, ending.getStatus().getStatusCode());
        assertEquals("peer_rst", ending.getAttributes().get(AttributeKey.stringKey("socket.close.origin")));
        assertEquals("read", ending.getAttributes().get(AttributeKey.stringKey("socket.close.detected_by")));
        assertEquals(5432L, ending.getAttributes().get(AttributeKey.longKey("network.peer.port")));
        assertNull(ending.getAttributes().get(AttributeKey.longKey("socket.bytes.read")), "the connection's own");
        assertEquals(ending.getStartEpochNanos(), ending.getEndEpochNanos());
        LinkData toConnection = ending.getLinks().get(0);
        assertEquals("connection", toConnection.getAttributes().get(LINK));
        assertEquals(connection.getSpanContext().getSpanId(), toConnection.getSpanContext().getSpanId());
        assertEquals(1, ledger.handedCount(), "the ending span is counted (the connection is counted by the pipeline)");
    }

    @Test
    void anUnsampledRequestCostsNeitherTheConnectionSpanNorATraceTheBackendLacks() throws Exception {
        AppSpan failing = new AppSpan(FAILING, "00f067aa0ba902b7", false);
        assertTrue(write(connection(null, failing, new SocketException("Connection reset")), false),
                "the connection span is sampled on its own");
        assertNotNull(named("socket.connection"));
        assertNull(named("socket.ending"), "parent-based: the request's trace was not sampled");
        assertEquals(FAILING + "/00f067aa0ba902b7", link(named("socket.connection"), "ended_in"));
        assertEquals(1, ledger.handedCount());
        assertEquals(0, ledger.pending(), "the unsampled ending span is accounted for as not exported");
    }

    @Test
    void aLocalCloseInsideARequestIsOnlyALink() throws Exception {
        AppSpan request = new AppSpan(FAILING, "00f067aa0ba902b7", true);
        Object socket = new Object();
        current = request;
        tracker.connectStarted(socket, new InetSocketAddress(InetAddress.getLoopbackAddress(), 5432), 0, API);
        tracker.connectEnded(socket, null);
        tracker.closing(socket);
        current = null;
        write(ended.poll(5, TimeUnit.SECONDS), false);
        SpanData connection = named("socket.connection");
        assertEquals("local_close", connection.getAttributes().get(AttributeKey.stringKey("socket.close.origin")));
        assertEquals(FAILING + "/00f067aa0ba902b7", link(connection, "ended_in"));
        assertNull(named("socket.ending"));
    }

    @Test
    void withoutACurrentSpanNothingChanges() throws Exception {
        write(connection(null, null, new SocketException("Connection reset")), false);
        assertTrue(named("socket.connection").getLinks().isEmpty());
        assertNull(named("socket.ending"));
    }

    @Test
    void errorsOnlyLeavesOutACleanEndingInTheRequestToo() throws Exception {
        AppSpan failing = new AppSpan(FAILING, "00f067aa0ba902b7", true);
        write(connection(null, failing, null), true); // end of stream: peer_fin, not an error
        assertTrue(exported.isEmpty(), String.valueOf(exported));
    }
}
