package io.sockwatch.agent.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.sockwatch.agent.tracker.SocketInspector;
import io.sockwatch.bootstrap.SocketBridge;
import java.util.List;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;

/**
 * {@code sun.nio.ch.CompletedFuture}: the Future returned by an asynchronous operation that completed at once (or
 * was refused at once, on a closed channel). Built through the one-argument factories.
 */
public final class CompletedFutureInstrumentation implements TypeInstrumentation {

    static final String TYPE = "sun.nio.ch.CompletedFuture";

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
        return List.of(new MethodSignature("withResult", Object.class),
                new MethodSignature("withFailure", Throwable.class));
    }

    /** Useless without the channel classes, which announce the operations it reports. */
    @Override
    public List<String> companions() {
        return UnixAsynchronousSocketChannelImplInstrumentation.companionsOf(TYPE);
    }

    @Override
    public AsmVisitorWrapper advice() {
        return new AsmVisitorWrapper.Compound(
                Advice.to(PendingFutureInstrumentation.Result.class).on(named("withResult")
                        .and(takesArguments(Object.class))),
                Advice.to(PendingFutureInstrumentation.Failure.class).on(named("withFailure")
                        .and(takesArguments(Throwable.class))));
    }

    @Override
    public SocketInspector inspector() {
        return null;
    }
}
