package io.sockwatch.agent.instrumentation.netty;

import static io.sockwatch.agent.instrumentation.AdvisedMethod.advise;

import io.sockwatch.agent.instrumentation.SharedAdvice;
import io.sockwatch.agent.instrumentation.TypeInstrumentation;
import io.sockwatch.bootstrap.SocketBridge;
import net.bytebuddy.asm.Advice;

/**
 * Netty's {@code io.netty.channel.unix.FileDescriptor}, the base of its socket object: the read and write paths that
 * take a buffer or a memory address (gathering writes included), and the close. The close is observed where the
 * descriptor is marked closed, while it is still open: epoll's {@code close()} starts there, and io_uring marks it
 * there before it submits the close to its ring. Descriptors that are not tracked connections (pipes, eventfds,
 * datagram sockets) cost one table lookup and are ignored.
 */
final class FileDescriptorInstrumentation {

    static final TypeInstrumentation TYPE = TypeInstrumentation.of("io.netty.channel.unix.FileDescriptor",
            advise(SharedAdvice.ReadReturningCount.class, "read", "java.nio.ByteBuffer", "int", "int"),
            advise(SharedAdvice.ReadReturningCount.class, "readAddress", "long", "int", "int"),
            advise(WriteReturningCount.class, "write", "java.nio.ByteBuffer", "int", "int"),
            advise(WriteReturningCount.class, "writeAddress", "long", "int", "int"),
            advise(WriteReturningCount.class, "writev", "java.nio.ByteBuffer[]", "int", "int", "long"),
            advise(WriteReturningCount.class, "writevAddresses", "long", "int"),
            advise(SharedAdvice.Close.class, "markClosed"))
            .underAnyPrefix();

    private FileDescriptorInstrumentation() {
    }

    /** A write returning the byte count (an int, or a long for a gathering write); 0 when it would block. */
    static final class WriteReturningCount {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Return long n, @Advice.Thrown Throwable thrown) {
            SocketBridge.write(self, n, thrown);
        }
    }
}
