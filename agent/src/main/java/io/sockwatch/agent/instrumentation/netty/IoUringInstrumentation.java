package io.sockwatch.agent.instrumentation.netty;

import static io.sockwatch.agent.instrumentation.AdvisedMethod.CONSTRUCTOR;
import static io.sockwatch.agent.instrumentation.AdvisedMethod.advise;

import io.sockwatch.agent.instrumentation.RowValue;
import io.sockwatch.agent.instrumentation.TypeInstrumentation;
import io.sockwatch.bootstrap.AsyncSignals;
import io.sockwatch.bootstrap.SocketBridge;
import net.bytebuddy.asm.Advice;

/**
 * Netty 4.2's io_uring transport ({@code io.netty.channel.uring}, under any package prefix). Its connect, reads,
 * writes and accepts are submitted to the ring and complete later, each as one completion handed to the channel's
 * unsafe with the kernel's result: bytes (0 at end of stream), an accepted descriptor, or a negative errno. The
 * completion is reported as it arrives, before Netty acts on it. The socket object, its shutdown and the moment it is
 * marked closed are Netty's unix classes, as for epoll ({@link UnixSocketInstrumentation},
 * {@link FileDescriptorInstrumentation}).
 */
final class IoUringInstrumentation {

    static final TypeInstrumentation CHANNEL = TypeInstrumentation.of(
            "io.netty.channel.uring.AbstractIoUringChannel",
            advise(SubmitConnect.class, "submitConnect", "java.net.InetSocketAddress"),
            advise(SubmitConnect.class, "submitConnect", "io.netty.channel.unix.DomainSocketAddress"),
            advise(Built.class, CONSTRUCTOR, "io.netty.channel.Channel", "io.netty.channel.uring.LinuxSocket",
                    "boolean"),
            advise(Built.class, CONSTRUCTOR, "io.netty.channel.Channel", "io.netty.channel.uring.LinuxSocket",
                    "java.net.SocketAddress"))
            .readingFields("socket").underAnyPrefix();

    static final TypeInstrumentation UNSAFE = TypeInstrumentation.of(
            "io.netty.channel.uring.AbstractIoUringChannel$AbstractUringUnsafe",
            advise(Completed.class, "connectComplete", "byte", "int", "int", "long").with(AsyncSignals.CONNECT))
            .readingFields("this$0").underAnyPrefix();

    static final TypeInstrumentation STREAM_UNSAFE = TypeInstrumentation.of(
            "io.netty.channel.uring.AbstractIoUringStreamChannel$IoUringStreamUnsafe",
            advise(Completed.class, "readComplete0", "byte", "int", "int", "short", "int").with(AsyncSignals.READ),
            advise(WriteCompleted.class, "writeComplete0", "byte", "int", "int", "long", "int"))
            .readingFields("this$0").underAnyPrefix();

    static final TypeInstrumentation SERVER_UNSAFE = TypeInstrumentation.of(
            "io.netty.channel.uring.AbstractIoUringServerChannel$UringServerChannelUnsafe",
            advise(Completed.class, "readComplete0", "byte", "int", "int", "short", "int").with(AsyncSignals.ACCEPT))
            .readingFields("this$0").underAnyPrefix();

    private IoUringInstrumentation() {
    }

    /**
     * A TCP or Unix domain connect about to be submitted to the ring (TCP Fast Open's connect-with-data is not
     * observed).
     */
    static final class SubmitConnect {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.FieldValue("socket") Object socket, @Advice.Argument(0) Object remote) {
            SocketBridge.nativeConnectStarted(socket, remote);
        }
    }

    /**
     * A channel built with a parent is one its server channel accepted (the descriptor the accept completed with,
     * now in its final socket object: Netty builds a throwaway one first to ask the address family).
     */
    static final class Built {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.Argument(0) Object parent, @Advice.Argument(1) Object socket) {
            if (parent != null) {
                SocketBridge.nativeChildBuilt(parent, socket);
            }
        }
    }

    /**
     * A write's completion. A file region goes out in two splices, file to pipe then pipe to socket, completing
     * alike: only the second moved bytes to the peer.
     */
    static final class WriteCompleted {
        /** IORING_OP_SPLICE (linux/io_uring.h), and Netty's mark of a splice into its pipe (IoUringFileRegion). */
        static final byte IORING_OP_SPLICE = 30;
        static final short SPLICE_TO_PIPE = 1;

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.FieldValue("this$0") Object channel, @Advice.Argument(0) byte op,
                          @Advice.Argument(1) int result, @Advice.Argument(3) long data) {
            if (op != IORING_OP_SPLICE || (short) data != SPLICE_TO_PIPE) {
                SocketBridge.nativeCompleted(channel, AsyncSignals.WRITE, result);
            }
        }
    }

    /** One completion of the operation the row names, with the kernel's result, for the unsafe's channel. */
    static final class Completed {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.FieldValue("this$0") Object channel, @Advice.Argument(1) int result,
                          @RowValue int operation) {
            SocketBridge.nativeCompleted(channel, operation, result);
        }
    }
}
