package io.sockwatch.agent.instrumentation.async;

import static io.sockwatch.agent.instrumentation.AdvisedMethod.advise;

import io.sockwatch.agent.instrumentation.TypeInstrumentation;
import io.sockwatch.bootstrap.SocketBridge;
import net.bytebuddy.asm.Advice;

/** The two Futures an asynchronous channel operation returns; each takes its result through a one-argument method. */
final class FutureInstrumentation {

    /**
     * {@code sun.nio.ch.PendingFuture}: an operation that did not complete at once. The completing thread sets its
     * result or failure before waking the application.
     */
    static final TypeInstrumentation PENDING = TypeInstrumentation.of("sun.nio.ch.PendingFuture",
            advise(Result.class, "setResult", "java.lang.Object"),
            advise(Failure.class, "setFailure", "java.lang.Throwable"));

    /**
     * {@code sun.nio.ch.CompletedFuture}: an operation that completed at once (or was refused at once, on a closed
     * channel), built through the one-argument factories.
     */
    static final TypeInstrumentation COMPLETED = TypeInstrumentation.of("sun.nio.ch.CompletedFuture",
            advise(Result.class, "withResult", "java.lang.Object"),
            advise(Failure.class, "withFailure", "java.lang.Throwable"));

    private FutureInstrumentation() {
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
