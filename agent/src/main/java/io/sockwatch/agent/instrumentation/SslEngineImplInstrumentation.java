package io.sockwatch.agent.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.sockwatch.agent.tracker.SocketInspector;
import io.sockwatch.bootstrap.SocketBridge;
import java.nio.ByteBuffer;
import java.util.List;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;

/**
 * {@code sun.security.ssl.SSLEngineImpl}: TLS over a channel the application reads itself (Netty, Jetty, the JDK
 * HttpClient). The engine has no socket, so it is linked to a connection by content: the TLS hello it unwraps must
 * be the very bytes that one tracked connection, and only one, received first (see {@code TlsHellos}). Every
 * {@code unwrap} overload ends in the six-argument one, the same on JDK 17 and 25; the advice runs on entry so that
 * the link exists before the handshake inside this call can finish or fail.
 */
public final class SslEngineImplInstrumentation implements TypeInstrumentation {

    @Override
    public String typeName() {
        return "sun.security.ssl.SSLEngineImpl";
    }

    @Override
    public String api() {
        return "javax.net.ssl.SSLEngine";
    }

    @Override
    public List<MethodSignature> requiredMethods() {
        return List.of(new MethodSignature("unwrap", ByteBuffer[].class, int.class, int.class, ByteBuffer[].class,
                int.class, int.class));
    }

    @Override
    public AsmVisitorWrapper advice() {
        return Advice.to(Unwrap.class).on(named("unwrap").and(takesArguments(ByteBuffer[].class, int.class, int.class,
                ByteBuffer[].class, int.class, int.class)));
    }

    @Override
    public SocketInspector inspector() {
        return null;
    }

    static final class Unwrap {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object self, @Advice.Argument(0) ByteBuffer[] srcs,
                          @Advice.Argument(1) int offset, @Advice.Argument(2) int length) {
            SocketBridge.tlsUnwrapping(self, srcs, offset, length);
        }
    }
}
