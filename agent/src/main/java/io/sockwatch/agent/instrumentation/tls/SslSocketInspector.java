package io.sockwatch.agent.instrumentation.tls;

import io.sockwatch.agent.instrumentation.Unsupported;
import io.sockwatch.agent.tracker.TlsInspector;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.Socket;
import java.net.SocketImpl;
import javax.net.ssl.SSLSocket;

/**
 * Reads {@code BaseSSLSocketImpl.self} (the TCP socket a layered TLS socket runs over, or itself) and
 * {@code Socket.impl}; the same fields on JDK 17 and 25. Whether close_notify arrived is passed by the advice.
 */
final class SslSocketInspector implements TlsInspector {

    /** The fields, looked up on first use: registering this inspector at agent start loads no TLS class. */
    private static final class Fields {
        static final VarHandle SELF;
        static final VarHandle IMPL;

        static {
            VarHandle self = null;
            VarHandle impl = null;
            try {
                Class<?> base = Class.forName("sun.security.ssl.BaseSSLSocketImpl", false, null);
                self = MethodHandles.privateLookupIn(base, MethodHandles.lookup())
                        .findVarHandle(base, "self", Socket.class);
                impl = MethodHandles.privateLookupIn(Socket.class, MethodHandles.lookup())
                        .findVarHandle(Socket.class, "impl", SocketImpl.class);
            } catch (ReflectiveOperationException | RuntimeException e) {
                Unsupported.report("sun.security.ssl socket fields (the TLS view is left out)", e);
            }
            SELF = self;
            IMPL = impl;
        }

        private Fields() {
        }
    }

    @Override
    public Object connection(Object sslSocket) {
        VarHandle self = Fields.SELF;
        if (self == null || !self.coordinateTypes().get(0).isInstance(sslSocket)) {
            return null; // an SSLEngine: linked to its connection by its TLS hello instead
        }
        Socket tcp = (Socket) self.get(sslSocket);
        return tcp == null ? null : Fields.IMPL.getVolatile(tcp);
    }

    @Override
    public String protocol(Object sslSocket) {
        try {
            return ((SSLSocket) sslSocket).getSession().getProtocol();
        } catch (RuntimeException e) {
            return null;
        }
    }
}
