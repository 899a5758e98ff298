package io.sockwatch.agent.instrumentation;

import io.sockwatch.agent.tracker.TlsInspector;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.Socket;
import java.net.SocketImpl;
import javax.net.ssl.SSLSocket;

/**
 * Reads {@code BaseSSLSocketImpl.self} (the TCP socket a layered TLS socket runs over, or itself),
 * {@code Socket.impl}, {@code SSLSocketImpl.conContext} and {@code TransportContext.isInputCloseNotified}; the same
 * fields on JDK 17 and 25.
 */
final class SslSocketInspector implements TlsInspector {

    private final VarHandle self;
    private final VarHandle impl;
    private final VarHandle conContext;
    private final VarHandle closeNotified;

    SslSocketInspector() {
        VarHandle s = null;
        VarHandle i = null;
        VarHandle c = null;
        VarHandle n = null;
        try {
            Class<?> base = Class.forName("sun.security.ssl.BaseSSLSocketImpl", false, null);
            Class<?> sslSocket = Class.forName("sun.security.ssl.SSLSocketImpl", false, null);
            Class<?> context = Class.forName("sun.security.ssl.TransportContext", false, null);
            s = MethodHandles.privateLookupIn(base, MethodHandles.lookup()).findVarHandle(base, "self", Socket.class);
            i = MethodHandles.privateLookupIn(Socket.class, MethodHandles.lookup())
                    .findVarHandle(Socket.class, "impl", SocketImpl.class);
            c = MethodHandles.privateLookupIn(sslSocket, MethodHandles.lookup())
                    .findVarHandle(sslSocket, "conContext", context);
            n = MethodHandles.privateLookupIn(context, MethodHandles.lookup())
                    .findVarHandle(context, "isInputCloseNotified", boolean.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            Unsupported.report("sun.security.ssl socket fields (the TLS view is left out)", e);
        }
        self = s;
        impl = i;
        conContext = c;
        closeNotified = n;
    }

    @Override
    public Object connection(Object sslSocket) {
        if (self == null || !self.coordinateTypes().get(0).isInstance(sslSocket)) {
            return null; // an SSLEngine: its connection is the channel the application feeds it from
        }
        Socket tcp = (Socket) self.get(sslSocket);
        return tcp == null ? null : impl.getVolatile(tcp);
    }

    @Override
    public boolean closeNotifyReceived(Object sslSocket) {
        if (conContext == null || !conContext.coordinateTypes().get(0).isInstance(sslSocket)) {
            return false;
        }
        Object context = conContext.get(sslSocket);
        return context != null && (boolean) closeNotified.getVolatile(context);
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
