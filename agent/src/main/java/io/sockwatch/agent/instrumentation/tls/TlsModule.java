package io.sockwatch.agent.instrumentation.tls;

import io.sockwatch.agent.instrumentation.SocketModule;

/**
 * The TLS view of connections observed at the TCP layer underneath, through the JDK provider's {@code SSLSocket}
 * and {@code SSLEngine}. It has no connections of its own (one span per connection), so its name is only what the
 * debug and unsupported lines call it.
 */
public final class TlsModule {

    public static final String API = "javax.net.ssl";

    public static final SocketModule MODULE = SocketModule.of(API,
            tracker -> tracker.registerTlsInspector(new SslSocketInspector()),
            SslSocketImplInstrumentation.TYPE, TransportContextInstrumentation.TYPE, SslEngineImplInstrumentation.TYPE);

    private TlsModule() {
    }
}
