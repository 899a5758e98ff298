package io.sockwatch.agent.instrumentation;

import io.sockwatch.agent.tracker.PeerState;
import io.sockwatch.agent.tracker.SocketInspector;
import io.sockwatch.agent.tracker.TlsInspector;
import java.net.SocketAddress;
import java.util.function.Supplier;

/**
 * Inspectors built on first use. Building one looks up private fields, which loads the JDK class it reads; doing
 * that at agent start would load classes the application may never use (the TLS stack, channels) and force the
 * agent to retransform them, which is the slowest part of starting. The first use comes from a signal of that
 * class's own instrumented code, so by then the class is loaded anyway.
 */
final class LazyInspectors {

    private LazyInspectors() {
    }

    static SocketInspector socket(Supplier<SocketInspector> factory) {
        return new LazySocketInspector(factory);
    }

    static TlsInspector tls(Supplier<TlsInspector> factory) {
        return new LazyTlsInspector(factory);
    }

    /**
     * Builds the delegate once; a race only builds a spare copy, since inspectors hold no state of their own. The
     * factory may find no inspector (an API whose connections are read elsewhere): then every answer is "unknown".
     */
    private abstract static class Lazy<T> {
        private final Supplier<T> factory;
        private volatile boolean built;
        private volatile T delegate;

        Lazy(Supplier<T> factory) {
            this.factory = factory;
        }

        final T delegate() {
            if (!built) {
                delegate = factory.get();
                built = true;
            }
            return delegate;
        }

        final T builtOrNull() {
            return built ? delegate : null;
        }
    }

    private static final class LazySocketInspector extends Lazy<SocketInspector> implements SocketInspector {
        LazySocketInspector(Supplier<SocketInspector> factory) {
            super(factory);
        }

        @Override
        public SocketAddress peer(Object socket) {
            SocketInspector d = delegate();
            return d == null ? null : d.peer(socket);
        }

        @Override
        public SocketAddress local(Object socket) {
            SocketInspector d = delegate();
            return d == null ? null : d.local(socket);
        }

        @Override
        public boolean closedByInterrupt(Object socket) {
            SocketInspector d = delegate();
            return d != null && d.closedByInterrupt(socket);
        }

        /**
         * Asked of every inspector on rare paths; one that was never built has never seen a connection, so there
         * is nothing it could unwrap into, and building it would load its class for nothing.
         */
        @Override
        public Object unwrap(Object socket) {
            SocketInspector built = builtOrNull();
            return built == null ? null : built.unwrap(socket);
        }

        @Override
        public PeerState peerState(Object socket) {
            SocketInspector d = delegate();
            return d == null ? PeerState.UNKNOWN : d.peerState(socket);
        }

        @Override
        public int threadsInIo(Object socket) {
            SocketInspector d = delegate();
            return d == null ? 0 : d.threadsInIo(socket);
        }
    }

    private static final class LazyTlsInspector extends Lazy<TlsInspector> implements TlsInspector {
        LazyTlsInspector(Supplier<TlsInspector> factory) {
            super(factory);
        }

        @Override
        public Object connection(Object sslSocket) {
            TlsInspector d = delegate();
            return d == null ? null : d.connection(sslSocket);
        }

        @Override
        public String protocol(Object sslSocket) {
            TlsInspector d = delegate();
            return d == null ? null : d.protocol(sslSocket);
        }
    }
}
