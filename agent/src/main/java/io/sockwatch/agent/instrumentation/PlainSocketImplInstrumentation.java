package io.sockwatch.agent.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.sockwatch.agent.tracker.SocketInspector;
import io.sockwatch.bootstrap.SocketBridge;
import java.net.SocketAddress;
import java.net.SocketImpl;
import java.util.List;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;

/**
 * {@code java.net.AbstractPlainSocketImpl}: the legacy implementation behind java.net.Socket, used on JDK 13 to 17
 * with {@code -Djdk.net.usePlainSocketImpl=true} (removed in JDK 18). Its reads and writes go through
 * {@code java.net.SocketInputStream} / {@code SocketOutputStream}, see {@link PlainSocketStreamsInstrumentation}.
 */
public final class PlainSocketImplInstrumentation implements TypeInstrumentation {

    public static final String API = "java.net.Socket:plain";

    @Override
    public String typeName() {
        return "java.net.AbstractPlainSocketImpl";
    }

    @Override
    public String api() {
        return API;
    }

    @Override
    public boolean optional() {
        return true;
    }

    @Override
    public List<MethodSignature> requiredMethods() {
        return List.of(
                new MethodSignature("connect", SocketAddress.class, int.class),
                new MethodSignature("accept", SocketImpl.class),
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
                Advice.to(SocketAdvice.Close.class).on(named("close").and(takesArguments(0))),
                Advice.to(SocketAdvice.ShutdownInput.class).on(named("shutdownInput").and(takesArguments(0))),
                Advice.to(SocketAdvice.ShutdownOutput.class).on(named("shutdownOutput").and(takesArguments(0))));
    }

    @Override
    public SocketInspector inspector() {
        return new SocketImplInspector();
    }

    static final class Connect {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object self, @Advice.Argument(0) Object remote,
                          @Advice.Argument(1) int millis) {
            SocketBridge.connectStarted(self, remote, millis, "java.net.Socket:plain");
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
            SocketBridge.acceptEnded(self, accepted, thrown, "java.net.Socket:plain");
        }
    }
}
