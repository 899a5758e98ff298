package io.sockwatch.agent.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.sockwatch.agent.tracker.SocketInspector;
import io.sockwatch.bootstrap.SocketBridge;
import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;

/**
 * {@code sun.nio.ch.AsynchronousSocketChannelImpl}, the platform-independent half of AsynchronousSocketChannel:
 * shutdownInput/shutdownOutput, the timeouts of {@code read/write(..., timeout, unit, ...)} (its timer task calls
 * {@code enableReading(true)} / {@code enableWriting(true)}, and nothing else does), and the private
 * {@code read}/{@code write} that answer at once without the platform class (channel closed: use after close;
 * input shut down: -1).
 */
public final class AsynchronousSocketChannelImplInstrumentation implements TypeInstrumentation {

    static final String TYPE = "sun.nio.ch.AsynchronousSocketChannelImpl";

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
        return List.of(
                new MethodSignature("read", boolean.class, ByteBuffer.class, ByteBuffer[].class, long.class,
                        TimeUnit.class, Object.class, CompletionHandler.class),
                new MethodSignature("write", boolean.class, ByteBuffer.class, ByteBuffer[].class, long.class,
                        TimeUnit.class, Object.class, CompletionHandler.class),
                new MethodSignature("enableReading", boolean.class),
                new MethodSignature("enableWriting", boolean.class),
                new MethodSignature("shutdownInput"),
                new MethodSignature("shutdownOutput"));
    }

    /** Read by the connect advice (state) and by the inspector (the rest). */
    @Override
    public List<String> requiredFields() {
        return List.of("state", "ST_UNCONNECTED", "remoteAddress", "localAddress", "fd");
    }

    @Override
    public List<String> companions() {
        return UnixAsynchronousSocketChannelImplInstrumentation.companionsOf(TYPE);
    }

    @Override
    public AsmVisitorWrapper advice() {
        return new AsmVisitorWrapper.Compound(
                Advice.to(UnixAsynchronousSocketChannelImplInstrumentation.ReadCompletion.class).on(named("read")
                        .and(takesArguments(boolean.class, ByteBuffer.class, ByteBuffer[].class, long.class,
                                TimeUnit.class, Object.class, CompletionHandler.class))),
                Advice.to(UnixAsynchronousSocketChannelImplInstrumentation.WriteCompletion.class).on(named("write")
                        .and(takesArguments(boolean.class, ByteBuffer.class, ByteBuffer[].class, long.class,
                                TimeUnit.class, Object.class, CompletionHandler.class))),
                Advice.to(ReadTimeout.class).on(named("enableReading").and(takesArguments(boolean.class))),
                Advice.to(WriteTimeout.class).on(named("enableWriting").and(takesArguments(boolean.class))),
                Advice.to(SocketAdvice.ShutdownInput.class).on(named("shutdownInput").and(takesArguments(0))),
                Advice.to(SocketAdvice.ShutdownOutput.class).on(named("shutdownOutput").and(takesArguments(0))));
    }

    @Override
    public SocketInspector inspector() {
        return null; // registered with the platform class
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
}
