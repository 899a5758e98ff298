package io.sockwatch.agent.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.sockwatch.agent.tracker.SocketInspector;
import io.sockwatch.bootstrap.SocketBridge;
import java.util.List;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;

/**
 * {@code sun.nio.ch.ServerSocketChannelImpl}: channels accepted by NIO servers (and by
 * {@code serverChannel.socket().accept()}) become SERVER connections of the SocketChannel path.
 */
public final class ServerSocketChannelImplInstrumentation implements TypeInstrumentation {

    @Override
    public String typeName() {
        return "sun.nio.ch.ServerSocketChannelImpl";
    }

    @Override
    public String api() {
        return SocketChannelImplInstrumentation.API;
    }

    @Override
    public List<MethodSignature> requiredMethods() {
        return List.of(new MethodSignature("accept"), new MethodSignature("blockingAccept", long.class));
    }

    @Override
    public AsmVisitorWrapper advice() {
        return new AsmVisitorWrapper.Compound(
                Advice.to(Accept.class).on(named("accept").and(takesArguments(0))),
                Advice.to(Accept.class).on(named("blockingAccept").and(takesArguments(long.class))));
    }

    @Override
    public SocketInspector inspector() {
        return null; // the accepted channels are read by the SocketChannel inspector
    }

    static final class Accept {
        /** A non-blocking accept with nothing pending returns null: no connection. */
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Return Object accepted, @Advice.Thrown Throwable thrown) {
            if (accepted != null || thrown != null) {
                SocketBridge.acceptEnded(self, accepted, thrown, "java.nio.channels.SocketChannel");
            }
        }
    }
}
