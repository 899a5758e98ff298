package io.sockwatch.agent.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.sockwatch.bootstrap.SocketBridge;
import java.net.SocketAddress;
import java.net.SocketImpl;
import java.util.List;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;

/**
 * {@code sun.nio.ch.NioSocketImpl}: the implementation behind {@code java.net.Socket} and {@code ServerSocket}
 * since JDK 13. Each advice only forwards to {@link SocketBridge}; all decisions are made by the tracker.
 */
public final class NioSocketImplInstrumentation implements TypeInstrumentation {

    public static final String API = "java.net.Socket";

    @Override
    public String typeName() {
        return "sun.nio.ch.NioSocketImpl";
    }

    @Override
    public List<MethodSignature> requiredMethods() {
        return List.of(
                new MethodSignature("connect", SocketAddress.class, int.class),
                new MethodSignature("accept", SocketImpl.class),
                new MethodSignature("read", byte[].class, int.class, int.class),
                new MethodSignature("write", byte[].class, int.class, int.class),
                new MethodSignature("close"),
                new MethodSignature("shutdownInput"),
                new MethodSignature("shutdownOutput"));
    }

    @Override
    public AsmVisitorWrapper advice() {
        return new AsmVisitorWrapper.Compound(
                Advice.to(Connect.class).on(named("connect").and(takesArguments(SocketAddress.class, int.class))),
                Advice.to(Accept.class).on(named("accept").and(takesArguments(1))
                        .and(takesArgument(0, SocketImpl.class))),
                Advice.to(SocketAdvice.ReadReturningCount.class).on(named("read").and(takesArguments(byte[].class, int.class, int.class))),
                Advice.to(SocketAdvice.WriteFully.class).on(named("write").and(takesArguments(byte[].class, int.class, int.class))),
                Advice.to(SocketAdvice.Close.class).on(named("close").and(takesArguments(0))),
                Advice.to(SocketAdvice.ShutdownInput.class).on(named("shutdownInput").and(takesArguments(0))),
                Advice.to(SocketAdvice.ShutdownOutput.class).on(named("shutdownOutput").and(takesArguments(0))));
    }

    @Override
    public io.sockwatch.agent.tracker.SocketInspector inspector() {
        return new SocketImplInspector();
    }

    @Override
    public String api() {
        return API;
    }

    static final class Connect {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object self, @Advice.Argument(0) Object remote,
                          @Advice.Argument(1) int millis) {
            SocketBridge.connectStarted(self, remote, millis, "java.net.Socket");
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Thrown Throwable thrown) {
            SocketBridge.connectEnded(self, thrown);
        }
    }

    static final class Accept {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Argument(0) Object accepted,
                         @Advice.Thrown Throwable thrown) {
            SocketBridge.acceptEnded(self, accepted, thrown, "java.net.Socket");
        }
    }
}
