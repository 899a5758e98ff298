package io.sockwatch.agent.instrumentation;

import io.sockwatch.bootstrap.SocketBridge;
import net.bytebuddy.asm.Advice;

/**
 * Advice that classes of more than one module share, all acting on {@code this}: close and shutdown (the two
 * SocketImpls, SocketChannelImpl, the asynchronous channel), and the reads and writes of NioSocketImpl and
 * SocketChannelImpl whose count is the return value or the length asked for. Advice that only one class, or the
 * classes of one file, use lives in that file.
 *
 * <p>Advice is inlined into JDK classes: each is a static nested class, suppresses every throwable and allocates
 * nothing.
 */
public final class SharedAdvice {

    private SharedAdvice() {
    }

    /** A read returning the byte count (an int or a long), -1 at end of stream. */
    public static final class ReadReturningCount {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Return long n, @Advice.Thrown Throwable thrown) {
            SocketBridge.read(self, n, thrown);
        }
    }

    /** {@code write(byte[], off, len)} that writes every byte or throws. */
    public static final class WriteFully {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object self) {
            SocketBridge.writing(self);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Argument(2) int len, @Advice.Thrown Throwable thrown) {
            SocketBridge.write(self, thrown == null ? len : 0, thrown);
        }
    }

    /** Before the JDK releases the descriptor: the local address, threads in I/O and the peer's state can be read. */
    public static final class Close {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object self) {
            SocketBridge.closing(self);
        }
    }

    /**
     * Announced before it runs: shutdown(SHUT_RD) wakes a reader blocked on another thread (or an asynchronous read
     * pending) with end of stream, whose report can come before this method returns.
     */
    public static final class ShutdownInput {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object self) {
            SocketBridge.shuttingDownInput(self);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Thrown Throwable thrown) {
            SocketBridge.shutdown(self, true, thrown);
        }
    }

    public static final class ShutdownOutput {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Thrown Throwable thrown) {
            SocketBridge.shutdown(self, false, thrown);
        }
    }
}
