package io.sockwatch.agent.instrumentation;

import io.sockwatch.bootstrap.SocketBridge;
import net.bytebuddy.asm.Advice;

/**
 * Advice shared by the socket implementations whose methods act on {@code this}: close and shutdown for
 * NioSocketImpl, the legacy PlainSocketImpl and SocketChannelImpl; byte-array reads and writes for NioSocketImpl
 * and the streams of SocketChannelImpl's socket adaptor.
 */
final class SocketAdvice {

    private SocketAdvice() {
    }

    /** A read returning the byte count, -1 at end of stream. */
    static final class ReadReturningCount {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Return int n, @Advice.Thrown Throwable thrown) {
            SocketBridge.read(self, n, thrown);
        }
    }

    /** {@code write(byte[], off, len)} that writes every byte or throws. */
    static final class WriteFully {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Argument(2) int len, @Advice.Thrown Throwable thrown) {
            SocketBridge.write(self, thrown == null ? len : 0, thrown);
        }
    }

    /** Before the JDK releases the descriptor: the local address, threads in I/O and the peer's state can be read. */
    static final class Close {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object self) {
            SocketBridge.closing(self);
        }
    }

    /**
     * Announced before it runs: shutdown(SHUT_RD) wakes a reader blocked on another thread (or an asynchronous read
     * pending) with end of stream, whose report can come before this method returns.
     */
    static final class ShutdownInput {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object self) {
            SocketBridge.shuttingDownInput(self);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Thrown Throwable thrown) {
            SocketBridge.shutdown(self, true, thrown);
        }
    }

    static final class ShutdownOutput {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Thrown Throwable thrown) {
            SocketBridge.shutdown(self, false, thrown);
        }
    }
}
