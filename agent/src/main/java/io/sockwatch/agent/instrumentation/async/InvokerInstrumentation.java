package io.sockwatch.agent.instrumentation.async;

import static io.sockwatch.agent.instrumentation.AdvisedMethod.advise;

import io.sockwatch.agent.instrumentation.TypeInstrumentation;
import io.sockwatch.bootstrap.SocketBridge;
import net.bytebuddy.asm.Advice;

/**
 * {@code sun.nio.ch.Invoker}: how asynchronous channels give a result to a CompletionHandler. On the thread that
 * completed the operation, {@code invokeUnchecked} calls the handler at once (directly or through
 * {@code invokeDirect}) and {@code invokeIndirectly} queues the call on the group's pool, where it runs
 * {@code invokeUnchecked} again with nothing announced. Either way the result is reported before any application
 * code sees it.
 */
final class InvokerInstrumentation {

    static final TypeInstrumentation TYPE = TypeInstrumentation.of("sun.nio.ch.Invoker",
            advise(Unchecked.class, "invokeUnchecked", "java.nio.channels.CompletionHandler", "java.lang.Object",
                    "java.lang.Object", "java.lang.Throwable"),
            advise(Indirectly.class, "invokeIndirectly", "java.nio.channels.AsynchronousChannel",
                    "java.nio.channels.CompletionHandler", "java.lang.Object", "java.lang.Object",
                    "java.lang.Throwable"));

    private InvokerInstrumentation() {
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
