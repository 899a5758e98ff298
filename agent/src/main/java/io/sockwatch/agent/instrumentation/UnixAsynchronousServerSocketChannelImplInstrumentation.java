package io.sockwatch.agent.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.sockwatch.agent.tracker.SocketInspector;
import io.sockwatch.bootstrap.AsyncSignals;
import io.sockwatch.bootstrap.SocketBridge;
import java.nio.channels.CompletionHandler;
import java.util.List;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;

/**
 * {@code sun.nio.ch.UnixAsynchronousServerSocketChannelImpl}: an accept completes at once in {@code implAccept},
 * later in {@code onEvent} on the group's event thread, or fails in {@code implClose} (the listener was closed with
 * an accept pending). Like the socket channel's operations, each announces the accept on its thread and the
 * hand-over point reports the accepted channel (a SERVER connection) or the failure (a listener span).
 */
public final class UnixAsynchronousServerSocketChannelImplInstrumentation implements TypeInstrumentation {

    static final String TYPE = "sun.nio.ch.UnixAsynchronousServerSocketChannelImpl";

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
        return List.of(new MethodSignature("implAccept", Object.class, CompletionHandler.class),
                new MethodSignature("onEvent", int.class, boolean.class),
                new MethodSignature("implClose"));
    }

    /** Accepted channels are observed only if the socket channel classes are. */
    @Override
    public List<String> companions() {
        return UnixAsynchronousSocketChannelImplInstrumentation.companionsOf(TYPE);
    }

    @Override
    public AsmVisitorWrapper advice() {
        return new AsmVisitorWrapper.Compound(
                Advice.to(AcceptCompletion.class).on(named("implAccept")
                        .and(takesArguments(Object.class, CompletionHandler.class))),
                Advice.to(AcceptCompletion.class).on(named("onEvent").and(takesArguments(int.class, boolean.class))),
                Advice.to(AcceptCompletion.class).on(named("implClose").and(takesArguments(0))));
    }

    @Override
    public SocketInspector inspector() {
        return null; // accepted channels and the listener's address are read by the socket channel's inspector
    }

    static final class AcceptCompletion {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object self) {
            SocketBridge.asyncBegin(self, AsyncSignals.ACCEPT);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit() {
            SocketBridge.asyncEnd();
        }
    }
}
