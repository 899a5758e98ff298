package io.sockwatch.agent.instrumentation.tls;

import io.sockwatch.agent.instrumentation.SocketModule;
import io.sockwatch.agent.instrumentation.TypeInstrumentation;
import io.sockwatch.agent.tracker.ConnectionTracker;

/**
 * The TLS view of connections observed at the TCP layer underneath, through the JDK provider's {@code SSLSocket}
 * and {@code SSLEngine}. It has no connections of its own (one span per connection), so its name is only what the
 * debug and unsupported lines call it.
 */
public final class TlsModule extends SocketModule {

    public static final String API = "javax.net.ssl";

    public TlsModule() {
        super(API, SslSocketImplInstrumentation.TYPE, TransportContextInstrumentation.TYPE,
                SslEngineImplInstrumentation.TYPE);
    }

    @Override
    protected void register(ConnectionTracker tracker) {
        tracker.registerTlsInspector(new SslSocketInspector());
    }

    /**
     * SSLEngine connections are linked only once TransportContext's signals are woven in (see
     * {@link SslEngineImplInstrumentation}), so that a linked connection never lacks the rest of its TLS view.
     */
    @Override
    protected void woven(TypeInstrumentation type, ConnectionTracker tracker) {
        if (type == TransportContextInstrumentation.TYPE) {
            tracker.tlsContextObserved();
        }
    }
}
