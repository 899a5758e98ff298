package io.sockwatch.agent.instrumentation;

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

    private final VarHandle self;
    private final VarHandle impl;

    SslSocketInspector() {
        VarHandle s = null;
        VarHandle i = null;
        try {
            Class<?> base = Class.forName("sun.security.ssl.BaseSSLSocketImpl", false, null);
            s = MethodHandles.privateLookupIn(base, MethodHandles.lookup()).findVarHandle(base, "self", Socket.class);
            i = MethodHandles.privateLookupIn(Socket.class, MethodHandles.lookup())
                    .findVarHandle(Socket.class, "impl", SocketImpl.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            Unsupported.report("sun.security.ssl socket fields (the TLS view is left out)", e);
        }
        self = s;
        impl = i;
    }

    @Override
    public Object connection(Object sslSocket) {
        if (self == null || !self.coordinateTypes().get(0).isInstance(sslSocket)) {
            return null; // an SSLEngine: linked to its connection by its TLS hello instead
        }
        Socket tcp = (Socket) self.get(sslSocket);
        return tcp == null ? null : impl.getVolatile(tcp);
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
