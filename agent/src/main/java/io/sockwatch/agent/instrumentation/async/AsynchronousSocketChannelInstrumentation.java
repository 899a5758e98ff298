package io.sockwatch.agent.instrumentation.async;

import static io.sockwatch.agent.instrumentation.AdvisedMethod.advise;

import io.sockwatch.agent.instrumentation.ModuleApi;
import io.sockwatch.agent.instrumentation.RowValue;
import io.sockwatch.agent.instrumentation.SharedAdvice;
import io.sockwatch.agent.instrumentation.TypeInstrumentation;
import io.sockwatch.bootstrap.AsyncSignals;
import io.sockwatch.bootstrap.SocketBridge;
import java.nio.channels.AsynchronousSocketChannel;
import net.bytebuddy.asm.Advice;

/**
 * An AsynchronousSocketChannel is one object of two classes: the platform-independent
 * {@code sun.nio.ch.AsynchronousSocketChannelImpl} and the Linux (and macOS) {@code UnixAsynchronousSocketChannelImpl}.
 *
 * <p>Its operations end in two places: at once inside {@code implConnect}/{@code implRead}/{@code implWrite} when
 * the system call completes immediately, or later in {@code finishConnect}/{@code finishRead}/{@code finishWrite},
 * run by the channel group's event thread (or by {@code implClose}, which fails the pending operations). Both hand
 * the result, before they return, to a CompletionHandler (directly or through the group's pool) or to a Future; the
 * result and the exception exist only in local variables until then. So these methods announce the operation on
 * their thread ({@link AsyncSignals#begin}), and the hand-over points ({@link InvokerInstrumentation},
 * {@link FutureInstrumentation}) report it: every result is seen exactly once, whichever style and path.
 */
final class AsynchronousSocketChannelInstrumentation {

    /** {@code (boolean isVector, ByteBuffer, ByteBuffer[], long timeout, TimeUnit, attachment, handler)}. */
    private static final String[] OPERATION = {"boolean", "java.nio.ByteBuffer", "java.nio.ByteBuffer[]", "long",
            "java.util.concurrent.TimeUnit", "java.lang.Object", "java.nio.channels.CompletionHandler"};

    /**
     * The base class: shutdownInput/shutdownOutput, the timeouts of {@code read/write(..., timeout, unit, ...)} (its
     * timer task calls {@code enableReading(true)} / {@code enableWriting(true)}, and nothing else does), and the
     * private {@code read}/{@code write} that answer at once without the platform class (channel closed: use after
     * close; input shut down: -1). Its fields are read by the connect advice (state) and by the inspector.
     */
    static final TypeInstrumentation BASE = TypeInstrumentation.of("sun.nio.ch.AsynchronousSocketChannelImpl",
            advise(Completion.class, "read", OPERATION).with(AsyncSignals.READ),
            advise(Write.class, "write", OPERATION),
            advise(ReadTimeout.class, "enableReading", "boolean"),
            advise(WriteTimeout.class, "enableWriting", "boolean"),
            advise(SharedAdvice.ShutdownInput.class, "shutdownInput"),
            advise(SharedAdvice.ShutdownOutput.class, "shutdownOutput"))
            .readingFields("state", "ST_UNCONNECTED", "remoteAddress", "localAddress", "fd");

    static final TypeInstrumentation UNIX = TypeInstrumentation.of("sun.nio.ch.UnixAsynchronousSocketChannelImpl",
            advise(Connect.class, "implConnect", "java.net.SocketAddress", "java.lang.Object",
                    "java.nio.channels.CompletionHandler"),
            advise(Completion.class, "finishConnect", "boolean").with(AsyncSignals.CONNECT),
            advise(Completion.class, "implRead", OPERATION).with(AsyncSignals.READ),
            advise(Completion.class, "finishRead", "boolean").with(AsyncSignals.READ),
            advise(Completion.class, "implWrite", OPERATION).with(AsyncSignals.WRITE),
            advise(Completion.class, "finishWrite", "boolean").with(AsyncSignals.WRITE),
            advise(Close.class, "implClose"))
            .readingFields("readPending", "writePending", "connectPending");

    private AsynchronousSocketChannelInstrumentation() {
    }

    static final class Connect {
        /** Only a first connect of an open channel starts an attempt; the JDK rejects the others itself. */
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This AsynchronousSocketChannel self, @Advice.Argument(0) Object remote,
                          @Advice.FieldValue("state") int state,
                          @Advice.FieldValue("ST_UNCONNECTED") int unconnected, @ModuleApi String api) {
            if (state == unconnected && self.isOpen()) {
                SocketBridge.asyncConnectStarted(self, remote, api);
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

    /**
     * A method that may complete an operation (the one its row names, {@link AsyncSignals#CONNECT}, {@code READ},
     * {@code WRITE} or {@code ACCEPT}) announces it on its thread for as long as it runs; see {@link AsyncSignals}.
     */
    static final class Completion {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object self, @RowValue int operation) {
            SocketBridge.asyncBegin(self, operation);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit() {
            SocketBridge.asyncEnd();
        }
    }

    /** The application's write: first the stale-reuse check, then as {@link Completion} for WRITE. */
    static final class Write {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object self) {
            SocketBridge.writing(self);
            SocketBridge.asyncBegin(self, AsyncSignals.WRITE);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit() {
            SocketBridge.asyncEnd();
        }
    }

    static final class ReadTimeout {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object self, @Advice.Argument(0) boolean timedOut) {
            if (timedOut) {
                SocketBridge.asyncTimedOut(self, true);
            }
        }
    }

    static final class WriteTimeout {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object self, @Advice.Argument(0) boolean timedOut) {
            if (timedOut) {
                SocketBridge.asyncTimedOut(self, false);
            }
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
