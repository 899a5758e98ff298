package io.sockwatch.agent.instrumentation.netty;

import io.sockwatch.agent.instrumentation.SocketModule;
import io.sockwatch.agent.tracker.ConnectionTracker;
import io.sockwatch.bootstrap.SocketBridge;
import java.util.List;

/**
 * Netty's native transports on Linux, epoll and io_uring, which call the kernel through JNI and never touch the JDK's
 * socket classes; and the copies other libraries shade under their own package ({@code io.grpc.netty.shaded...}),
 * in whatever class loader and whenever they are loaded.
 *
 * <p>Netty's {@code io.netty.channel.unix.Socket} (connect, accept, the socket's birth, shutdown, the reads and writes
 * epoll makes) and its base {@code FileDescriptor} (reads, writes and the close) observe a connection together: if
 * either lacks a method, neither is instrumented. epoll's own socket class adds its {@code sendfile}. The
 * {@code socket.api} is the transport's, {@code netty.epoll} or {@code netty.io_uring}, told from the socket's class
 * when the connection opens.
 */
public final class NettyNativeModule extends SocketModule {

    /** For the report lines: its classes carry both transports, {@link NettyTransport}'s two {@code socket.api}. */
    static final String LABEL = "netty.epoll and netty.io_uring";

    public NettyNativeModule() {
        super(LABEL, List.of(UnixSocketInstrumentation.TYPE, FileDescriptorInstrumentation.TYPE),
                EpollSocketInstrumentation.TYPE);
    }

    /** Only applications that ship Netty's native transport have these classes. */
    @Override
    public boolean isOptional() {
        return true;
    }

    @Override
    protected void register(ConnectionTracker tracker) {
        NettySocketInspector inspector = new NettySocketInspector();
        for (NettyTransport transport : NettyTransport.values()) {
            tracker.registerInspector(transport.api(), inspector);
        }
        SocketBridge.installNative(new NativeSockets(tracker, inspector));
    }
}
