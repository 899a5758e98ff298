package io.sockwatch.agent.instrumentation.socket;

import static io.sockwatch.agent.instrumentation.AdvisedMethod.advise;

import io.sockwatch.agent.instrumentation.AdvisedMethod;
import io.sockwatch.agent.instrumentation.ModuleApi;
import io.sockwatch.agent.instrumentation.SharedAdvice;
import io.sockwatch.agent.instrumentation.TypeInstrumentation;
import io.sockwatch.bootstrap.SocketBridge;
import java.util.List;
import net.bytebuddy.asm.Advice;

/**
 * The two implementations behind {@code java.net.Socket} and {@code ServerSocket}, both {@code java.net.SocketImpl}s:
 * {@code sun.nio.ch.NioSocketImpl} since JDK 13, and the legacy {@code java.net.AbstractPlainSocketImpl} (JDK 13 to
 * 17 with {@code -Djdk.net.usePlainSocketImpl=true}, removed in JDK 18). Each advice only forwards to
 * {@link SocketBridge}; all decisions are made by the tracker.
 */
final class SocketImplInstrumentation {

    /** The SocketImpl methods both implement the same way. */
    private static final List<AdvisedMethod> SOCKET_IMPL = List.of(
            advise(Connect.class, "connect", "java.net.SocketAddress", "int"),
            advise(Accept.class, "accept", "java.net.SocketImpl"),
            advise(SharedAdvice.Close.class, "close"),
            advise(SharedAdvice.ShutdownInput.class, "shutdownInput"),
            advise(SharedAdvice.ShutdownOutput.class, "shutdownOutput"));

    /** NioSocketImpl reads and writes itself. */
    static final TypeInstrumentation NIO = TypeInstrumentation.of("sun.nio.ch.NioSocketImpl", SOCKET_IMPL,
            advise(SharedAdvice.ReadReturningCount.class, "read", "byte[]", "int", "int"),
            advise(SharedAdvice.WriteFully.class, "write", "byte[]", "int", "int"));

    /** The legacy implementation reads and writes through its streams: {@link PlainSocketStreamsInstrumentation}. */
    static final TypeInstrumentation PLAIN = TypeInstrumentation.of("java.net.AbstractPlainSocketImpl", SOCKET_IMPL);

    private SocketImplInstrumentation() {
    }

    static final class Connect {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object self, @Advice.Argument(0) Object remote,
                          @Advice.Argument(1) int millis, @ModuleApi String api) {
            SocketBridge.connectStarted(self, remote, millis, api);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Thrown Throwable thrown) {
            SocketBridge.connectEnded(self, thrown);
        }
    }

    /** The argument is the accepted connection's SocketImpl. */
    static final class Accept {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Argument(0) Object accepted,
                         @Advice.Thrown Throwable thrown, @ModuleApi String api) {
            SocketBridge.acceptEnded(self, accepted, thrown, api);
        }
    }
}
