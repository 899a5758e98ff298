package io.sockwatch.agent.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.sockwatch.agent.tracker.ConnectionTracker;
import io.sockwatch.agent.tracker.SocketInspector;
import io.sockwatch.bootstrap.SocketBridge;
import java.util.List;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;

/**
 * {@code sun.security.ssl.TransportContext}, the state of one TLS connection shared by {@code SSLSocketImpl} and
 * {@code SSLEngineImpl} (its {@code transport}). Three rare moments, the same methods on JDK 17 and 25:
 * <ul>
 *   <li>{@code passiveInboundClose()}: the peer's close_notify arrived, before the TLS layer answers with its own;
 *   <li>{@code finishHandshake()}: the handshake completed ({@code conSession} is the negotiated session);
 *   <li>{@code fatal(Alert, String, boolean, Throwable)}: every fatal TLS error, sent or received, ends here,
 *       including those thrown by a delegated task; before {@code isNegotiated} it is a failed handshake.
 * </ul>
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
        return List.of(new MethodSignature("passiveInboundClose"), new MethodSignature("finishHandshake"),
                MethodSignature.withTypeNames("fatal", "sun.security.ssl.Alert", String.class.getName(), "boolean",
                        Throwable.class.getName()));
    }

    @Override
    public List<String> requiredFields() {
        return List.of("transport", "isInputCloseNotified", "isNegotiated", "conSession");
    }

    @Override
    public AsmVisitorWrapper advice() {
        return new AsmVisitorWrapper.Compound(
                Advice.to(PassiveInboundClose.class).on(named("passiveInboundClose").and(takesArguments(0))),
                Advice.to(FinishHandshake.class).on(named("finishHandshake").and(takesArguments(0))),
                Advice.to(Fatal.class).on(named("fatal").and(takesArguments(4))
                        .and(takesArgument(0, named("sun.security.ssl.Alert")))
                        .and(takesArgument(1, String.class)).and(takesArgument(2, boolean.class))
                        .and(takesArgument(3, Throwable.class))));
    }

    @Override
    public SocketInspector inspector() {
        return null;
    }

    /** SSLEngine connections are linked only where these signals arrive: see {@link SslEngineImplInstrumentation}. */
    @Override
    public void applied(ConnectionTracker tracker) {
        tracker.tlsContextObserved();
    }

    static final class PassiveInboundClose {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.FieldValue("transport") Object transport,
                          @Advice.FieldValue("isInputCloseNotified") boolean closeNotified) {
            SocketBridge.tlsInboundClosed(transport, closeNotified);
        }
    }

    static final class FinishHandshake {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.FieldValue("transport") Object transport,
                         @Advice.FieldValue("conSession") Object session, @Advice.Thrown Throwable thrown) {
            if (thrown == null) {
                SocketBridge.tlsHandshakeFinished(transport, session);
            }
        }
    }

    /** fatal() always throws: the exception it throws is the failure the application sees. */
    static final class Fatal {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.FieldValue("transport") Object transport,
                         @Advice.FieldValue("isNegotiated") boolean negotiated, @Advice.Thrown Throwable thrown) {
            SocketBridge.tlsFatal(transport, negotiated, thrown);
        }
    }
}
