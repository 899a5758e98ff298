package io.sockwatch.agent.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.sockwatch.agent.tracker.SocketInspector;
import io.sockwatch.bootstrap.SocketBridge;
import java.nio.channels.AsynchronousChannel;
import java.nio.channels.CompletionHandler;
import java.util.List;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;

/**
 * {@code sun.nio.ch.Invoker}: how asynchronous channels give a result to a CompletionHandler. On the thread that
 * completed the operation, {@code invokeUnchecked} calls the handler at once (directly or through
 * {@code invokeDirect}) and {@code invokeIndirectly} queues the call on the group's pool, where it runs
 * {@code invokeUnchecked} again with nothing announced. Either way the result is reported before any application
 * code sees it.
 */
public final class InvokerInstrumentation implements TypeInstrumentation {

    static final String TYPE = "sun.nio.ch.Invoker";

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
        return List.of(
                new MethodSignature("invokeUnchecked", CompletionHandler.class, Object.class, Object.class,
                        Throwable.class),
                new MethodSignature("invokeIndirectly", AsynchronousChannel.class, CompletionHandler.class,
                        Object.class, Object.class, Throwable.class));
    }

    /** Useless without the channel classes, which announce the operations it reports. */
    @Override
    public List<String> companions() {
        return UnixAsynchronousSocketChannelImplInstrumentation.companionsOf(TYPE);
    }

    @Override
    public AsmVisitorWrapper advice() {
        return new AsmVisitorWrapper.Compound(
                Advice.to(Unchecked.class).on(named("invokeUnchecked")
                        .and(takesArguments(CompletionHandler.class, Object.class, Object.class, Throwable.class))),
                Advice.to(Indirectly.class).on(named("invokeIndirectly").and(takesArguments(
                        AsynchronousChannel.class, CompletionHandler.class, Object.class, Object.class,
                        Throwable.class))));
    }

    @Override
    public SocketInspector inspector() {
        return null;
    }

    static final class Unchecked {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.Argument(2) Object value, @Advice.Argument(3) Throwable failure) {
            SocketBridge.asyncResult(value, failure);
        }
    }

    static final class Indirectly {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.Argument(3) Object value, @Advice.Argument(4) Throwable failure) {
            SocketBridge.asyncResult(value, failure);
        }
    }
}
