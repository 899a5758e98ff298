package io.sockwatch.agent.instrumentation.netty;

import static io.sockwatch.agent.instrumentation.AdvisedMethod.CONSTRUCTOR;
import static io.sockwatch.agent.instrumentation.AdvisedMethod.advise;

import io.sockwatch.agent.instrumentation.SharedAdvice;
import io.sockwatch.agent.instrumentation.TypeInstrumentation;
import io.sockwatch.bootstrap.SocketBridge;
import net.bytebuddy.asm.Advice;

/**
 * Netty's {@code io.netty.channel.unix.Socket} (4.1 and 4.2, under any package prefix), the socket object of both
 * native transports: its non-blocking connect and finishConnect, accept (which returns a bare descriptor), the
 * constructor that the accepted descriptor is wrapped in next, shutdown, and the recv/send that epoll reads and
 * writes with. Each returns what the system call did: bytes, -1 at end of stream, 0 when it would block; failures are
 * thrown as Netty's {@code NativeIoException}, errno inside.
 */
final class UnixSocketInstrumentation {

    static final TypeInstrumentation TYPE = TypeInstrumentation.of("io.netty.channel.unix.Socket",
            advise(Connect.class, "connect", "java.net.SocketAddress"),
            advise(FinishConnect.class, "finishConnect"),
            advise(Accept.class, "accept", "byte[]"),
            advise(Created.class, CONSTRUCTOR, "int"),
            advise(Shutdown.class, "shutdown", "boolean", "boolean"),
            advise(SharedAdvice.ReadReturningCount.class, "recv", "java.nio.ByteBuffer", "int", "int"),
            advise(SharedAdvice.ReadReturningCount.class, "recvAddress", "long", "int", "int"),
            advise(FileDescriptorInstrumentation.WriteReturningCount.class, "send", "java.nio.ByteBuffer", "int",
                    "int"),
            advise(FileDescriptorInstrumentation.WriteReturningCount.class, "sendAddress", "long", "int", "int"))
            .underAnyPrefix();

    private UnixSocketInstrumentation() {
    }

    /**
     * Non-blocking: true when connected at once, false while pending (finishConnect completes it later). The
     * connect completes on the event loop, which also closes the socket if it fails or times out, so no thread is
     * said to wait in it.
     */
    static final class Connect {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object self, @Advice.Argument(0) Object remote) {
            SocketBridge.nativeConnectStarted(self, remote);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Return boolean connected, @Advice.Thrown Throwable thrown) {
            if (thrown != null || connected) {
                SocketBridge.connectEnded(self, thrown);
            }
        }
    }

    /** True once connected, false while still pending; a refusal or timeout is thrown with its errno. */
    static final class FinishConnect {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Return boolean connected, @Advice.Thrown Throwable thrown) {
            if (thrown != null || connected) {
                SocketBridge.connectEnded(self, thrown);
            }
        }
    }

    /** The accepted descriptor, -1 when none is pending. */
    static final class Accept {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Return int fd, @Advice.Thrown Throwable thrown) {
            if (fd >= 0 || thrown != null) {
                SocketBridge.nativeAccepted(self, fd, thrown);
            }
        }
    }

    /** Every socket object Netty builds; the one built around a descriptor just accepted is that connection. */
    static final class Created {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Argument(0) int fd) {
            SocketBridge.nativeSocketCreated(self, fd);
        }
    }

    /** shutdown(input, output): either direction or both, announced as the JDK paths announce shutdownInput. */
    static final class Shutdown {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object self, @Advice.Argument(0) boolean input) {
            if (input) {
                SocketBridge.shuttingDownInput(self);
            }
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Argument(0) boolean input,
                         @Advice.Argument(1) boolean output, @Advice.Thrown Throwable thrown) {
            if (input) {
                SocketBridge.shutdown(self, true, thrown);
            }
            if (output) {
                SocketBridge.shutdown(self, false, thrown);
            }
        }
    }
}
