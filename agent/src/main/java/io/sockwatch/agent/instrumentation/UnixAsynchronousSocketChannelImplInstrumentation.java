package io.sockwatch.agent.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.sockwatch.agent.tracker.SocketInspector;
import io.sockwatch.bootstrap.AsyncSignals;
import io.sockwatch.bootstrap.SocketBridge;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;

/**
 * {@code sun.nio.ch.UnixAsynchronousSocketChannelImpl}: the Linux (and macOS) AsynchronousSocketChannel.
 *
 * <p>Its operations end in two places: at once inside {@code implConnect}/{@code implRead}/{@code implWrite} when
 * the system call completes immediately, or later in {@code finishConnect}/{@code finishRead}/{@code finishWrite},
 * run by the channel group's event thread (or by {@code implClose}, which fails the pending operations). Both hand
 * the result, before they return, to a CompletionHandler (directly or through the group's pool) or to a Future; the
 * result and the exception exist only in local variables until then. So these methods announce the operation on
 * their thread ({@link AsyncSignals#begin}), and the hand-over points in {@code Invoker}, {@code PendingFuture}
 * and {@code CompletedFuture} report it: every result is seen exactly once, whichever style and path.
 */
public final class UnixAsynchronousSocketChannelImplInstrumentation implements TypeInstrumentation {

    public static final String API = "java.nio.channels.AsynchronousSocketChannel";

    static final String TYPE = "sun.nio.ch.UnixAsynchronousSocketChannelImpl";

    /** The classes that observe an asynchronous connection together: the channel, its base, the hand-over points. */
    private static final List<String> CHANNEL_CLASSES = List.of(TYPE, AsynchronousSocketChannelImplInstrumentation.TYPE,
            InvokerInstrumentation.TYPE, PendingFutureInstrumentation.TYPE, CompletedFutureInstrumentation.TYPE);

    /** For the channel classes: all the others, which must be as expected too. */
    static List<String> companionsOf(String type) {
        return CHANNEL_CLASSES.stream().filter(c -> !c.equals(type)).toList();
    }

    @Override
    public String typeName() {
        return TYPE;
    }

    @Override
    public String api() {
        return API;
    }

    @Override
    public List<MethodSignature> requiredMethods() {
        return List.of(
                new MethodSignature("implConnect", SocketAddress.class, Object.class, CompletionHandler.class),
                new MethodSignature("finishConnect", boolean.class),
                new MethodSignature("implRead", boolean.class, ByteBuffer.class, ByteBuffer[].class, long.class,
                        TimeUnit.class, Object.class, CompletionHandler.class),
                new MethodSignature("finishRead", boolean.class),
                new MethodSignature("implWrite", boolean.class, ByteBuffer.class, ByteBuffer[].class, long.class,
                        TimeUnit.class, Object.class, CompletionHandler.class),
                new MethodSignature("finishWrite", boolean.class),
                new MethodSignature("implClose"));
    }

    @Override
    public List<String> requiredFields() {
        return List.of("readPending", "writePending", "connectPending");
    }

    @Override
    public List<String> companions() {
        return companionsOf(TYPE);
    }

    @Override
    public AsmVisitorWrapper advice() {
        return new AsmVisitorWrapper.Compound(
                Advice.to(Connect.class).on(named("implConnect")
                        .and(takesArguments(SocketAddress.class, Object.class, CompletionHandler.class))),
                Advice.to(ConnectCompletion.class).on(named("finishConnect").and(takesArguments(boolean.class))),
                Advice.to(ReadCompletion.class).on(named("implRead").and(takesArguments(boolean.class,
                        ByteBuffer.class, ByteBuffer[].class, long.class, TimeUnit.class, Object.class,
                        CompletionHandler.class))),
                Advice.to(ReadCompletion.class).on(named("finishRead").and(takesArguments(boolean.class))),
                Advice.to(WriteCompletion.class).on(named("implWrite").and(takesArguments(boolean.class,
                        ByteBuffer.class, ByteBuffer[].class, long.class, TimeUnit.class, Object.class,
                        CompletionHandler.class))),
                Advice.to(WriteCompletion.class).on(named("finishWrite").and(takesArguments(boolean.class))),
                Advice.to(Close.class).on(named("implClose").and(takesArguments(0))));
    }

    @Override
    public SocketInspector inspector() {
        return new AsynchronousChannelInspector();
    }

    static final class Connect {
        /** Only a first connect of an open channel starts an attempt; the JDK rejects the others itself. */
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This AsynchronousSocketChannel self, @Advice.Argument(0) Object remote,
                          @Advice.FieldValue("state") int state,
                          @Advice.FieldValue("ST_UNCONNECTED") int unconnected) {
            if (state == unconnected && self.isOpen()) {
                SocketBridge.asyncConnectStarted(self, remote, API);
            }
            SocketBridge.asyncBegin(self, AsyncSignals.CONNECT);
        }

        /** An exception thrown here (unresolved address, wrong address type) reaches the caller, not a handler. */
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Thrown Throwable thrown) {
            SocketBridge.asyncEnd();
            if (thrown != null) {
                SocketBridge.connectEnded(self, thrown);
            }
        }
    }

    static final class ConnectCompletion {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object self) {
            SocketBridge.asyncBegin(self, AsyncSignals.CONNECT);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit() {
            SocketBridge.asyncEnd();
        }
    }

    static final class ReadCompletion {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object self) {
            SocketBridge.asyncBegin(self, AsyncSignals.READ);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit() {
            SocketBridge.asyncEnd();
        }
    }

    static final class WriteCompletion {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object self) {
            SocketBridge.asyncBegin(self, AsyncSignals.WRITE);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit() {
            SocketBridge.asyncEnd();
        }
    }

    /**
     * Before the descriptor is closed (the peer check and the pending operations need it). A close inside a connect
     * of this channel is the JDK giving up a failed connect: the connect's own result decides then.
     */
    static final class Close {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object self) {
            if (!SocketBridge.inAsync(self, AsyncSignals.CONNECT)) {
                SocketBridge.closing(self);
            }
        }
    }
}
