package io.sockwatch.agent.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.sockwatch.agent.tracker.ConnectionEvent;
import io.sockwatch.agent.tracker.ConnectionState;
import io.sockwatch.agent.tracker.ConnectionTracker;
import io.sockwatch.agent.tracker.PeerFilter;
import io.sockwatch.agent.tracker.SocketInspector;
import io.sockwatch.agent.tracker.TrackerSettings;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The TLS view of SSLEngine connections, fed with the signals the instrumented JDK produces (a channel's first read,
 * the engine's unwraps, the TransportContext moments) and read back as span attributes.
 */
class SslEngineViewTest {

    private static final String API = "test";
    private static final int PEER_PORT = 50123;

    private final LinkedBlockingQueue<ConnectionState> ended = new LinkedBlockingQueue<>();
    private ConnectionTracker tracker;

    @BeforeEach
    void start() {
        tracker = new ConnectionTracker(new TrackerSettings(false, false, 3, 0, 16, PeerFilter.parse(List.of(), new ArrayList<>()), false,
                Long.MAX_VALUE, false),
                ended::add);
        tracker.registerInspector(API, new SocketInspector() {
            @Override
            public SocketAddress peer(Object socket) {
                return new InetSocketAddress(InetAddress.getLoopbackAddress(), PEER_PORT);
            }

            @Override
            public SocketAddress local(Object socket) {
                return new InetSocketAddress(InetAddress.getLoopbackAddress(), 8443);
            }

            @Override
            public int threadsInIo(Object socket) {
                return 0;
            }
        });
        tracker.tlsContextObserved();
        tracker.start(() -> { }, () -> new Object[0]);
    }

    @AfterEach
    void stop() {
        tracker.shutdown();
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    /** A server connection whose first read, into a direct buffer as Netty and the JDK HttpClient read, was
     * {@code firstBytes}. */
    private Object accepted(byte[] firstBytes) {
        Object socket = new Object();
        tracker.acceptEnded(new Object(), socket, null, API);
        ByteBuffer dst = ByteBuffer.allocateDirect(16 * 1024);
        dst.position(100);
        dst.put(firstBytes);
        tracker.readInto(socket, firstBytes.length, null, dst);
        return socket;
    }

    private static SSLEngine engine(int peerPort) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, null, null);
        return peerPort > 0 ? context.createSSLEngine("127.0.0.1", peerPort) : context.createSSLEngine();
    }

    /** The engine unwraps {@code record} from a heap buffer (as the JDK HttpClient, from its own copy). */
    private void unwrapping(SSLEngine engine, byte[] record) {
        ByteBuffer src = ByteBuffer.allocate(record.length + 10);
        src.put(new byte[7]).put(record).flip().position(7);
        tracker.tlsUnwrapping(engine, new ByteBuffer[] {ByteBuffer.allocate(0), src}, 0, 2);
        assertEquals(7, src.position(), "the engine's input is not moved");
    }

    private static SSLSession session(String protocol) {
        return (SSLSession) Proxy.newProxyInstance(SSLSession.class.getClassLoader(), new Class<?>[] {SSLSession.class},
                (proxy, method, args) -> method.getName().equals("getProtocol") ? protocol : null);
    }

    private ConnectionState end(Object socket, boolean peerFinFirst) throws InterruptedException {
        if (peerFinFirst) {
            tracker.readInto(socket, -1, null, ByteBuffer.allocate(1));
        }
        tracker.closing(socket);
        ConnectionState s = ended.poll(5, TimeUnit.SECONDS);
        assertNotNull(s);
        return s;
    }

    private static Attributes attributes(ConnectionState s) {
        return ConnectionSpans.attributes(s, s.verdict());
    }

    private static List<String> events(ConnectionState s) {
        return s.events().stream().map(ConnectionEvent::name).toList();
    }

    /** What an unlinked connection is: a plain TCP span, its own ending, nothing TLS at all. */
    private static void assertPlainTcp(ConnectionState s) {
        Attributes a = attributes(s);
        assertEquals("peer_fin", a.get(AttributeKey.stringKey("socket.close.origin")), a.toString());
        assertEquals("eof", a.get(AttributeKey.stringKey("socket.close.reason")), a.toString());
        assertEquals(List.of(), a.asMap().keySet().stream().map(AttributeKey::getKey)
                .filter(k -> k.startsWith("tls.") || k.startsWith("socket.tls.")).toList(), a.toString());
        assertEquals(List.of("socket.eof", "socket.close"), events(s));
    }

    /**
     * The control of a test that expects no link: in the same tracker, a connection that read {@code seed}'s hello
     * and an engine given {@code enginePeerPort} that unwraps it are linked. Without it, "not linked" would pass
     * with linking broken for any reason.
     */
    private void assertLinks(int seed, int enginePeerPort) throws Exception {
        Object socket = accepted(clientHello(seed));
        SSLEngine engine = engine(enginePeerPort);
        unwrapping(engine, clientHello(seed));
        tracker.tlsHandshakeFinished(engine, session("TLSv1.3"));
        Attributes a = attributes(end(socket, true));
        assertEquals("tls", a.get(AttributeKey.stringKey("tls.protocol.name")), a.toString());
        assertEquals(Boolean.TRUE, a.get(AttributeKey.booleanKey("tls.established")), a.toString());
        assertEquals("1.3", a.get(AttributeKey.stringKey("tls.protocol.version")), a.toString());
    }

    private static byte[] clientHello(int seed) {
        return hello(1, seed);
    }

    private static byte[] hello(int type, int seed) {
        byte[] record = new byte[5 + 4 + 2 + 32 + 40];
        record[0] = 22;
        record[1] = 3;
        record[2] = 1;
        record[4] = (byte) (record.length - 5);
        record[5] = (byte) type;
        record[8] = (byte) (record.length - 9);
        record[9] = 3;
        record[10] = 3;
        for (int i = 0; i < 32; i++) {
            record[11 + i] = (byte) (seed * 131 + i * 17);
        }
        return record;
    }

    // ---- tests ---------------------------------------------------------------------------------------------

    @Test
    void closeNotifyFromThePeerAfterAHandshakeIsPeerFinCloseNotify() throws Exception {
        Object socket = accepted(clientHello(1));
        SSLEngine engine = engine(0); // Netty's newHandler(alloc): the engine knows no peer
        unwrapping(engine, clientHello(1));
        tracker.tlsHandshakeFinished(engine, session("TLSv1.3"));
        tracker.tlsInboundClosed(engine, true);
        ConnectionState s = end(socket, true);
        Attributes a = attributes(s);
        assertEquals("peer_fin", a.get(AttributeKey.stringKey("socket.close.origin")));
        assertEquals("close_notify", a.get(AttributeKey.stringKey("socket.close.reason")));
        assertEquals("received", a.get(AttributeKey.stringKey("socket.tls.close_notify")));
        assertEquals(Boolean.FALSE, a.get(AttributeKey.booleanKey("socket.tls.truncated")));
        assertEquals(Boolean.TRUE, a.get(AttributeKey.booleanKey("tls.established")));
        assertEquals("1.3", a.get(AttributeKey.stringKey("tls.protocol.version")));
        assertEquals("tls", a.get(AttributeKey.stringKey("tls.protocol.name")));
        assertTrue(events(s).contains("socket.tls.close_notify"), events(s).toString());
    }

    @Test
    void aCloseNotifyUnwrappedAfterTheEndOfStreamWasReadStillCounts() throws Exception {
        // The JDK HttpClient reads (and sees the end of stream) on its selector thread and unwraps on a worker.
        Object socket = accepted(clientHello(15));
        SSLEngine engine = engine(0);
        unwrapping(engine, clientHello(15));
        tracker.tlsHandshakeFinished(engine, session("TLSv1.3"));
        tracker.readInto(socket, -1, null, ByteBuffer.allocate(1));
        tracker.tlsInboundClosed(engine, true);
        Attributes a = attributes(end(socket, false));
        assertEquals("peer_fin", a.get(AttributeKey.stringKey("socket.close.origin")));
        assertEquals("close_notify", a.get(AttributeKey.stringKey("socket.close.reason")));
        assertEquals(Boolean.FALSE, a.get(AttributeKey.booleanKey("socket.tls.truncated")));
    }

    @Test
    void aFinWithoutCloseNotifyAfterAHandshakeIsTruncated() throws Exception {
        Object socket = accepted(clientHello(2));
        SSLEngine engine = engine(PEER_PORT); // Jetty: the engine knows the peer's port, and it agrees
        unwrapping(engine, clientHello(2));
        tracker.tlsHandshakeFinished(engine, session("TLSv1.2"));
        Attributes a = attributes(end(socket, true));
        assertEquals("peer_fin", a.get(AttributeKey.stringKey("socket.close.origin")));
        assertEquals("eof", a.get(AttributeKey.stringKey("socket.close.reason")));
        assertEquals("none", a.get(AttributeKey.stringKey("socket.tls.close_notify")));
        assertEquals(Boolean.TRUE, a.get(AttributeKey.booleanKey("socket.tls.truncated")));
        assertEquals("1.2", a.get(AttributeKey.stringKey("tls.protocol.version")));
    }

    @Test
    void aFailedHandshakeIsReportedOnceAndTruncatesNothing() throws Exception {
        Object socket = accepted(clientHello(3));
        SSLEngine engine = engine(0);
        unwrapping(engine, clientHello(3));
        tracker.tlsFatal(engine, false, new SSLHandshakeException("Received fatal alert: certificate_unknown"));
        tracker.tlsFatal(engine, false, new SSLHandshakeException("rethrown on the next unwrap"));
        ConnectionState s = end(socket, true);
        Attributes a = attributes(s);
        assertEquals(Boolean.FALSE, a.get(AttributeKey.booleanKey("tls.established")));
        assertEquals("javax.net.ssl.SSLHandshakeException: Received fatal alert: certificate_unknown",
                a.get(AttributeKey.stringKey("socket.tls.handshake.error")));
        assertEquals(Boolean.FALSE, a.get(AttributeKey.booleanKey("socket.tls.truncated")));
        assertNull(a.get(AttributeKey.stringKey("tls.protocol.version")));
        assertEquals(List.of("exception", "socket.tls.handshake_failed", "socket.eof", "socket.close"), events(s));
    }

    @Test
    void aFatalErrorAfterTheHandshakeIsNotAHandshakeFailure() throws Exception {
        Object socket = accepted(clientHello(4));
        SSLEngine engine = engine(0);
        unwrapping(engine, clientHello(4));
        tracker.tlsHandshakeFinished(engine, session("TLSv1.3"));
        tracker.tlsFatal(engine, true, new javax.net.ssl.SSLException("bad_record_mac"));
        Attributes a = attributes(end(socket, false));
        assertEquals(Boolean.TRUE, a.get(AttributeKey.booleanKey("tls.established")));
        assertNull(a.get(AttributeKey.stringKey("socket.tls.handshake.error")));
    }

    @Test
    void aConnectionThatEndsMidHandshakeDidNotEstablishTls() throws Exception {
        Object socket = accepted(clientHello(5));
        unwrapping(engine(0), clientHello(5));
        Attributes a = attributes(end(socket, true));
        assertEquals(Boolean.FALSE, a.get(AttributeKey.booleanKey("tls.established")));
        assertEquals(Boolean.FALSE, a.get(AttributeKey.booleanKey("socket.tls.truncated")));
    }

    @Test
    void anEngineWhoseHelloNoConnectionReadIsLinkedToNothing() throws Exception {
        Object socket = accepted(clientHello(6));
        SSLEngine engine = engine(0);
        unwrapping(engine, clientHello(7)); // a connection sockwatch does not track, another engine's hello
        tracker.tlsHandshakeFinished(engine, session("TLSv1.3"));
        tracker.tlsInboundClosed(engine, true);
        tracker.tlsFatal(engine, false, new SSLHandshakeException("x"));
        assertPlainTcp(end(socket, true));
        assertLinks(16, 0);
    }

    @Test
    void twoConnectionsThatReadTheSameHelloLinkNeither() throws Exception {
        Object relayed = accepted(clientHello(8)); // an in-process TCP relay read the client's hello...
        Object server = accepted(clientHello(8)); // ...and forwarded it to the TLS server in the same process
        SSLEngine engine = engine(0);
        unwrapping(engine, clientHello(8));
        tracker.tlsHandshakeFinished(engine, session("TLSv1.3"));
        assertPlainTcp(end(relayed, true));
        // One of the two has ended, but which one carried the engine's bytes is still unknown.
        unwrapping(engine, clientHello(8));
        assertPlainTcp(end(server, true));
        assertLinks(17, 0);
    }

    @Test
    void anEngineWhosePeerPortContradictsTheConnectionIsNotLinked() throws Exception {
        Object socket = accepted(clientHello(9));
        SSLEngine engine = engine(PEER_PORT + 1);
        unwrapping(engine, clientHello(9));
        tracker.tlsHandshakeFinished(engine, session("TLSv1.3"));
        assertPlainTcp(end(socket, true));
        assertLinks(18, PEER_PORT); // the same engine setup with the connection's own peer port
    }

    @Test
    void onlyTheFirstBytesOfAConnectionAndOnlyHellosCount() throws Exception {
        Object socket = new Object();
        tracker.acceptEnded(new Object(), socket, null, API);
        ByteBuffer plain = ByteBuffer.allocate(64);
        plain.put("PROXY TCP4 10.0.0.1 10.0.0.2 1 2\r\n".getBytes());
        tracker.readInto(socket, plain.position(), null, plain);
        ByteBuffer later = ByteBuffer.wrap(clientHello(10));
        later.position(later.limit());
        tracker.readInto(socket, later.limit(), null, later); // TLS after a plaintext preamble: not linked
        SSLEngine engine = engine(0);
        byte[] appData = clientHello(10);
        appData[0] = 23;
        unwrapping(engine, appData);
        unwrapping(engine, clientHello(10));
        tracker.tlsHandshakeFinished(engine, session("TLSv1.3"));
        assertPlainTcp(end(socket, true));

        // The same engine moves, over a connection whose first read was the hello: the hello links, the
        // application record before it did not count.
        Object control = accepted(clientHello(19));
        SSLEngine controlEngine = engine(0);
        byte[] controlAppData = clientHello(19);
        controlAppData[0] = 23;
        unwrapping(controlEngine, controlAppData);
        unwrapping(controlEngine, clientHello(19));
        tracker.tlsHandshakeFinished(controlEngine, session("TLSv1.3"));
        assertEquals("tls", attributes(end(control, true)).get(AttributeKey.stringKey("tls.protocol.name")));
    }

    @Test
    void anEngineIsLinkedOnceAndItsConnectionToOneEngine() throws Exception {
        Object first = accepted(clientHello(11));
        Object second = accepted(clientHello(12));
        SSLEngine engine = engine(0);
        unwrapping(engine, clientHello(11));
        unwrapping(engine, clientHello(12)); // a later hello on the same engine links nothing new
        SSLEngine other = engine(0);
        unwrapping(other, clientHello(11)); // the first connection is taken
        tracker.tlsHandshakeFinished(engine, session("TLSv1.3"));
        tracker.tlsHandshakeFinished(other, session("TLSv1.2"));
        assertEquals("1.3", attributes(end(first, true)).get(AttributeKey.stringKey("tls.protocol.version")));
        assertPlainTcp(end(second, true));
    }

    @Test
    void withoutTheTransportContextSignalsNoEngineIsLinked() throws Exception {
        tracker.shutdown();
        tracker = new ConnectionTracker(new TrackerSettings(false, false, 3, 0, 16, PeerFilter.parse(List.of(), new ArrayList<>()), false,
                Long.MAX_VALUE, false),
                ended::add);
        tracker.start(() -> { }, () -> new Object[0]);
        Object socket = accepted(clientHello(13));
        SSLEngine engine = engine(0);
        unwrapping(engine, clientHello(13));
        tracker.tlsHandshakeFinished(engine, session("TLSv1.3"));
        assertPlainTcp(end(socket, true));
        tracker.tlsContextObserved(); // the one difference
        assertLinks(20, 0);
    }

    @Test
    void aClientLinksByTheServerHelloItReadFirst() throws Exception {
        Object socket = new Object();
        tracker.connectStarted(socket, new InetSocketAddress(InetAddress.getLoopbackAddress(), PEER_PORT), 0, API);
        tracker.connectEnded(socket, null);
        ByteBuffer dst = ByteBuffer.allocate(4096);
        dst.put(hello(2, 14)).put(new byte[300]); // the rest of the server's flight came in the same read
        tracker.readInto(socket, dst.position(), null, dst);
        SSLEngine engine = engine(PEER_PORT); // the JDK HttpClient: the server's name and port
        unwrapping(engine, hello(2, 14));
        tracker.tlsHandshakeFinished(engine, session("TLSv1.3"));
        tracker.tlsInboundClosed(engine, true);
        Attributes a = attributes(end(socket, false));
        assertEquals("peer_fin", a.get(AttributeKey.stringKey("socket.close.origin")));
        assertEquals("received", a.get(AttributeKey.stringKey("socket.tls.close_notify")));
    }
}
