package io.sockwatch.agent.instrumentation.tls;

import static io.sockwatch.agent.instrumentation.AdvisedMethod.advise;

import io.sockwatch.agent.instrumentation.TypeInstrumentation;
import io.sockwatch.bootstrap.SocketBridge;
import net.bytebuddy.asm.Advice;

/**
 * {@code sun.security.ssl.SSLSocketImpl}: the TLS view of a connection whose TCP side is observed underneath
 * (one span per connection): the handshake outcome. How the TLS session ends is seen in
 * {@link TransportContextInstrumentation}.
 */
final class SslSocketImplInstrumentation {

    static final TypeInstrumentation TYPE = TypeInstrumentation.of("sun.security.ssl.SSLSocketImpl",
            advise(Handshake.class, "startHandshake", "boolean"))
            .readingFields("conContext");

    private SslSocketImplInstrumentation() {
    }

    /** Explicit startHandshake() and the implicit one of the first read or write both pass here. */
    static final class Handshake {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Thrown Throwable thrown) {
            SocketBridge.tlsHandshakeEnded(self, thrown);
        }
    }
}
