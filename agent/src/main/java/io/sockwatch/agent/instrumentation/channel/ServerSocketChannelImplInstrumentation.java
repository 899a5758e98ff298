package io.sockwatch.agent.instrumentation.channel;

import static io.sockwatch.agent.instrumentation.AdvisedMethod.advise;

import io.sockwatch.agent.instrumentation.ModuleApi;
import io.sockwatch.agent.instrumentation.TypeInstrumentation;
import io.sockwatch.bootstrap.SocketBridge;
import net.bytebuddy.asm.Advice;

/**
 * {@code sun.nio.ch.ServerSocketChannelImpl}: channels accepted by NIO servers (and by
 * {@code serverChannel.socket().accept()}) become SERVER connections of the SocketChannel path.
 */
final class ServerSocketChannelImplInstrumentation {

    static final TypeInstrumentation TYPE = TypeInstrumentation.of("sun.nio.ch.ServerSocketChannelImpl",
            advise(Accept.class, "accept"),
            advise(Accept.class, "blockingAccept", "long"));

    private ServerSocketChannelImplInstrumentation() {
    }

    static final class Accept {
        /** A non-blocking accept with nothing pending returns null: no connection. */
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Return Object accepted, @Advice.Thrown Throwable thrown,
                         @ModuleApi String api) {
            if (accepted != null || thrown != null) {
                SocketBridge.acceptEnded(self, accepted, thrown, api);
            }
        }
    }
}
