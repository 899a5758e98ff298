package io.sockwatch.agent.instrumentation.tls;

import static io.sockwatch.agent.instrumentation.AdvisedMethod.advise;

import io.sockwatch.agent.instrumentation.TypeInstrumentation;
import io.sockwatch.bootstrap.SocketBridge;
import net.bytebuddy.asm.Advice;

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
final class TransportContextInstrumentation {

    static final TypeInstrumentation TYPE = TypeInstrumentation.of("sun.security.ssl.TransportContext",
            advise(PassiveInboundClose.class, "passiveInboundClose"),
            advise(FinishHandshake.class, "finishHandshake"),
            advise(Fatal.class, "fatal", "sun.security.ssl.Alert", "java.lang.String", "boolean",
                    "java.lang.Throwable"))
            .readingFields("transport", "isInputCloseNotified", "isNegotiated", "conSession");

    private TransportContextInstrumentation() {
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
