package io.sockwatch.agent.instrumentation.tls;

import static io.sockwatch.agent.instrumentation.AdvisedMethod.advise;

import io.sockwatch.agent.instrumentation.TypeInstrumentation;
import io.sockwatch.bootstrap.SocketBridge;
import java.nio.ByteBuffer;
import net.bytebuddy.asm.Advice;

/**
 * {@code sun.security.ssl.SSLEngineImpl}: TLS over a channel the application reads itself (Netty, Jetty, the JDK
 * HttpClient). The engine has no socket, so it is linked to a connection by content: the TLS hello it unwraps must
 * be the very bytes that one tracked connection, and only one, received first (see {@code TlsHellos}). Every
 * {@code unwrap} overload ends in the six-argument one, the same on JDK 17 and 25; the advice runs on entry so that
 * the link exists before the handshake inside this call can finish or fail.
 */
final class SslEngineImplInstrumentation {

    static final TypeInstrumentation TYPE = TypeInstrumentation.of("sun.security.ssl.SSLEngineImpl",
            advise(Unwrap.class, "unwrap", "java.nio.ByteBuffer[]", "int", "int", "java.nio.ByteBuffer[]", "int",
                    "int"));

    private SslEngineImplInstrumentation() {
    }

    static final class Unwrap {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object self, @Advice.Argument(0) ByteBuffer[] srcs,
                          @Advice.Argument(1) int offset, @Advice.Argument(2) int length) {
            SocketBridge.tlsUnwrapping(self, srcs, offset, length);
        }
    }
}
