package io.sockwatch.agent.instrumentation.channel;

import static io.sockwatch.agent.instrumentation.AdvisedMethod.advise;

import io.sockwatch.agent.instrumentation.ModuleApi;
import io.sockwatch.agent.instrumentation.SharedAdvice;
import io.sockwatch.agent.instrumentation.TypeInstrumentation;
import io.sockwatch.bootstrap.SocketBridge;
import java.nio.ByteBuffer;
import net.bytebuddy.asm.Advice;

/**
 * {@code sun.nio.ch.SocketChannelImpl}: NIO socket channels, blocking or not (Netty, Jetty, the JDK HttpClient,
 * Kafka...), TCP and Unix domain, and the streams of {@code channel.socket()} (blockingRead / blockingWriteFully).
 * A non-blocking read returning 0 is not end of stream; -1 is.
 */
final class SocketChannelImplInstrumentation {

    static final TypeInstrumentation TYPE = TypeInstrumentation.of("sun.nio.ch.SocketChannelImpl",
            advise(Connect.class, "connect", "java.net.SocketAddress"),
            advise(Connect.class, "finishConnect"),
            advise(BlockingConnect.class, "blockingConnect", "java.net.SocketAddress", "long"),
            advise(ReadIntoBuffer.class, "read", "java.nio.ByteBuffer"),
            advise(SharedAdvice.ReadReturningCount.class, "read", "java.nio.ByteBuffer[]", "int", "int"),
            advise(WriteReturningCount.class, "write", "java.nio.ByteBuffer"),
            advise(WriteReturningCount.class, "write", "java.nio.ByteBuffer[]", "int", "int"),
            advise(SharedAdvice.ReadReturningCount.class, "blockingRead", "byte[]", "int", "int", "long"),
            advise(SharedAdvice.WriteFully.class, "blockingWriteFully", "byte[]", "int", "int"),
            advise(SharedAdvice.Close.class, "implCloseSelectableChannel"),
            advise(SharedAdvice.ShutdownInput.class, "shutdownInput"),
            advise(SharedAdvice.ShutdownOutput.class, "shutdownOutput"))
            .readingFields("remoteAddress", "localAddress", "readerThread", "writerThread");

    private SocketChannelImplInstrumentation() {
    }

    /**
     * {@code connect(address)}, and {@code finishConnect()} which has no address: to the tracker, a connect without
     * one is the pending connect continuing on this thread.
     */
    static final class Connect {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object self, @Advice.Argument(value = 0, optional = true) Object remote,
                          @ModuleApi String api) {
            SocketBridge.connectStarted(self, remote, 0, api);
        }

        /** A non-blocking connect returns false while pending: a later finishConnect reports the outcome. */
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Return boolean connected, @Advice.Thrown Throwable thrown) {
            if (thrown != null || connected) {
                SocketBridge.connectEnded(self, thrown);
            }
        }
    }

    /** channel.socket().connect(address, timeout). */
    static final class BlockingConnect {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object self, @Advice.Argument(0) Object remote,
                          @Advice.Argument(1) long nanos, @ModuleApi String api) {
            SocketBridge.connectStarted(self, remote, (int) Math.min(Integer.MAX_VALUE, nanos / 1_000_000L), api);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Thrown Throwable thrown) {
            SocketBridge.connectEnded(self, thrown);
        }
    }

    /** The buffer goes along so that a connection's first bytes can be recognised as a TLS hello. */
    static final class ReadIntoBuffer {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Argument(0) ByteBuffer dst, @Advice.Return int n,
                         @Advice.Thrown Throwable thrown) {
            SocketBridge.read(self, n, thrown, dst);
        }
    }

    /** A write returning the byte count (an int, or a long for a gathering write). */
    static final class WriteReturningCount {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object self) {
            SocketBridge.writing(self);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Return long n, @Advice.Thrown Throwable thrown) {
            SocketBridge.write(self, n, thrown);
        }
    }
}
