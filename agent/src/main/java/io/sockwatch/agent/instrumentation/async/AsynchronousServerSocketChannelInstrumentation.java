package io.sockwatch.agent.instrumentation.async;

import static io.sockwatch.agent.instrumentation.AdvisedMethod.advise;

import io.sockwatch.agent.instrumentation.TypeInstrumentation;
import io.sockwatch.agent.instrumentation.async.AsynchronousSocketChannelInstrumentation.Completion;
import io.sockwatch.bootstrap.AsyncSignals;

/**
 * {@code sun.nio.ch.UnixAsynchronousServerSocketChannelImpl}: an accept completes at once in {@code implAccept},
 * later in {@code onEvent} on the group's event thread, or fails in {@code implClose} (the listener was closed with
 * an accept pending). Like the socket channel's operations, each announces the accept on its thread and the
 * hand-over point reports the accepted channel (a SERVER connection) or the failure (a listener span).
 */
final class AsynchronousServerSocketChannelInstrumentation {

    static final TypeInstrumentation TYPE = TypeInstrumentation.of("sun.nio.ch.UnixAsynchronousServerSocketChannelImpl",
            advise(Completion.class, "implAccept", "java.lang.Object", "java.nio.channels.CompletionHandler")
                    .with(AsyncSignals.ACCEPT),
            advise(Completion.class, "onEvent", "int", "boolean").with(AsyncSignals.ACCEPT),
            advise(Completion.class, "implClose").with(AsyncSignals.ACCEPT));

    private AsynchronousServerSocketChannelInstrumentation() {
    }
}
