package io.sockwatch.agent.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.sockwatch.agent.tracker.SocketInspector;
import io.sockwatch.bootstrap.SocketBridge;
import java.util.List;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;

/**
 * {@code sun.security.ssl.TransportContext.passiveInboundClose()}: the JDK's TLS stack calls it when the peer's
 * close_notify arrives (or the TCP stream ends without one), before it answers with its own close_notify and shuts
 * the TCP output down. Same method on JDK 17 and 25.
 */
public final class TlsTransportContextInstrumentation implements TypeInstrumentation {

    @Override
    public String typeName() {
        return "sun.security.ssl.TransportContext";
    }

    @Override
    public String api() {
        return "javax.net.ssl.SSLSocket";
    }

    @Override
    public List<MethodSignature> requiredMethods() {
        return List.of(new MethodSignature("passiveInboundClose"));
    }

    @Override
    public List<String> requiredFields() {
        return List.of("transport", "isInputCloseNotified");
    }

    @Override
    public AsmVisitorWrapper advice() {
        return Advice.to(PassiveInboundClose.class).on(named("passiveInboundClose").and(takesArguments(0)));
    }

    @Override
    public SocketInspector inspector() {
        return null;
    }

    static final class PassiveInboundClose {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.FieldValue("transport") Object transport) {
            SocketBridge.tlsInboundClosed(transport);
        }
    }
}
