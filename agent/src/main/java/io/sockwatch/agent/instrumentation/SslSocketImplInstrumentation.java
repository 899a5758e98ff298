package io.sockwatch.agent.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.sockwatch.agent.tracker.SocketInspector;
import io.sockwatch.agent.tracker.TlsInspector;
import io.sockwatch.bootstrap.SocketBridge;
import java.util.List;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;

/**
 * {@code sun.security.ssl.SSLSocketImpl}: the TLS view of a connection whose TCP side is observed underneath
 * (one span per connection): the handshake outcome. How the TLS session ends is seen in
 * {@link TlsTransportContextInstrumentation}.
 */
public final class SslSocketImplInstrumentation implements TypeInstrumentation {

    @Override
    public String typeName() {
        return "sun.security.ssl.SSLSocketImpl";
    }

    @Override
    public String api() {
        return "javax.net.ssl.SSLSocket";
    }

    @Override
    public List<MethodSignature> requiredMethods() {
        return List.of(new MethodSignature("startHandshake", boolean.class));
    }

    @Override
    public List<String> requiredFields() {
        return List.of("conContext");
    }

    @Override
    public AsmVisitorWrapper advice() {
        return Advice.to(Handshake.class).on(named("startHandshake").and(takesArguments(boolean.class)));
    }

    @Override
    public SocketInspector inspector() {
        return null;
    }

    @Override
    public TlsInspector tlsInspector() {
        return new SslSocketInspector();
    }

    /** Explicit startHandshake() and the implicit one of the first read or write both pass here. */
    static final class Handshake {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Thrown Throwable thrown) {
            SocketBridge.tlsHandshakeEnded(self, thrown);
        }
    }

}
