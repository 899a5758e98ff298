package io.sockwatch.agent.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.sockwatch.agent.tracker.SocketInspector;
import io.sockwatch.bootstrap.SocketBridge;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;

/**
 * {@code sun.nio.ch.SocketChannelImpl}: NIO socket channels, blocking or not (Netty, Jetty, the JDK HttpClient,
 * Kafka...), TCP and Unix domain, and the streams of {@code channel.socket()} (blockingRead / blockingWriteFully).
 * A non-blocking read returning 0 is not end of stream; -1 is.
 */
public final class SocketChannelImplInstrumentation implements TypeInstrumentation {

    public static final String API = "java.nio.channels.SocketChannel";

    @Override
    public String typeName() {
        return "sun.nio.ch.SocketChannelImpl";
    }

    @Override
    public String api() {
        return API;
    }

    @Override
    public List<MethodSignature> requiredMethods() {
        return List.of(
                new MethodSignature("connect", SocketAddress.class),
                new MethodSignature("finishConnect"),
                new MethodSignature("blockingConnect", SocketAddress.class, long.class),
                new MethodSignature("read", ByteBuffer.class),
                new MethodSignature("read", ByteBuffer[].class, int.class, int.class),
                new MethodSignature("write", ByteBuffer.class),
                new MethodSignature("write", ByteBuffer[].class, int.class, int.class),
                new MethodSignature("blockingRead", byte[].class, int.class, int.class, long.class),
                new MethodSignature("blockingWriteFully", byte[].class, int.class, int.class),
                new MethodSignature("implCloseSelectableChannel"),
                new MethodSignature("shutdownInput"),
                new MethodSignature("shutdownOutput"));
    }

    @Override
    public List<String> requiredFields() {
        return List.of("remoteAddress", "localAddress", "readerThread", "writerThread");
    }

    @Override
    public AsmVisitorWrapper advice() {
        return new AsmVisitorWrapper.Compound(
                Advice.to(Connect.class).on(named("connect").and(takesArguments(SocketAddress.class))),
                Advice.to(FinishConnect.class).on(named("finishConnect").and(takesArguments(0))),
                Advice.to(BlockingConnect.class).on(named("blockingConnect")
                        .and(takesArguments(SocketAddress.class, long.class))),
                Advice.to(ReadIntoBuffer.class).on(named("read").and(takesArguments(ByteBuffer.class))),
                Advice.to(ScatteringRead.class).on(named("read")
                        .and(takesArguments(ByteBuffer[].class, int.class, int.class))),
                Advice.to(Write.class).on(named("write").and(takesArguments(ByteBuffer.class))),
                Advice.to(GatheringWrite.class).on(named("write")
                        .and(takesArguments(ByteBuffer[].class, int.class, int.class))),
                Advice.to(SocketAdvice.ReadReturningCount.class).on(named("blockingRead")
                        .and(takesArguments(byte[].class, int.class, int.class, long.class))),
                Advice.to(SocketAdvice.WriteFully.class).on(named("blockingWriteFully")
                        .and(takesArguments(byte[].class, int.class, int.class))),
                Advice.to(SocketAdvice.Close.class).on(named("implCloseSelectableChannel").and(takesArguments(0))),
                Advice.to(SocketAdvice.ShutdownInput.class).on(named("shutdownInput").and(takesArguments(0))),
                Advice.to(SocketAdvice.ShutdownOutput.class).on(named("shutdownOutput").and(takesArguments(0))));
    }

    @Override
    public SocketInspector inspector() {
        return new SocketChannelInspector();
    }

    static final class Connect {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object self, @Advice.Argument(0) Object remote) {
            SocketBridge.connectStarted(self, remote, 0, "java.nio.channels.SocketChannel");
        }

        /** Non-blocking connect returns false while pending: finishConnect reports the outcome. */
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Return boolean connected, @Advice.Thrown Throwable thrown) {
            if (thrown != null || connected) {
                SocketBridge.connectEnded(self, thrown);
            }
        }
    }

    static final class FinishConnect {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object self) {
            SocketBridge.connectStarted(self, null, 0, "java.nio.channels.SocketChannel");
        }

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
                          @Advice.Argument(1) long nanos) {
            SocketBridge.connectStarted(self, remote, (int) Math.min(Integer.MAX_VALUE, nanos / 1_000_000L),
                    "java.nio.channels.SocketChannel");
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

    static final class ScatteringRead {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Return long n, @Advice.Thrown Throwable thrown) {
            SocketBridge.read(self, n, thrown);
        }
    }

    static final class Write {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Return int n, @Advice.Thrown Throwable thrown) {
            SocketBridge.write(self, n, thrown);
        }
    }

    static final class GatheringWrite {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Return long n, @Advice.Thrown Throwable thrown) {
            SocketBridge.write(self, n, thrown);
        }
    }
}
