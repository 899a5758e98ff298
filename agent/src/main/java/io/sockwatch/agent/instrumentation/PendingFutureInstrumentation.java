package io.sockwatch.agent.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.sockwatch.agent.tracker.SocketInspector;
import io.sockwatch.bootstrap.SocketBridge;
import java.util.List;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;

/**
 * {@code sun.nio.ch.PendingFuture}: the Future of an asynchronous operation that did not complete at once. The
 * completing thread sets its result or failure (through the one-argument setters) before waking the application.
 */
public final class PendingFutureInstrumentation implements TypeInstrumentation {

    static final String TYPE = "sun.nio.ch.PendingFuture";

    @Override
    public String typeName() {
        return TYPE;
    }

    @Override
    public String api() {
        return UnixAsynchronousSocketChannelImplInstrumentation.API;
    }

    @Override
    public List<MethodSignature> requiredMethods() {
        return List.of(new MethodSignature("setResult", Object.class),
                new MethodSignature("setFailure", Throwable.class));
    }

    /** Useless without the channel classes, which announce the operations it reports. */
    @Override
    public List<String> companions() {
        return UnixAsynchronousSocketChannelImplInstrumentation.companionsOf(TYPE);
    }

    @Override
    public AsmVisitorWrapper advice() {
        return new AsmVisitorWrapper.Compound(
                Advice.to(Result.class).on(named("setResult").and(takesArguments(Object.class))),
                Advice.to(Failure.class).on(named("setFailure").and(takesArguments(Throwable.class))));
    }

    @Override
    public SocketInspector inspector() {
        return null;
    }

    static final class Result {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.Argument(0) Object value) {
            SocketBridge.asyncResult(value, null);
        }
    }

    static final class Failure {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.Argument(0) Throwable failure) {
            SocketBridge.asyncResult(null, failure);
        }
    }
}
