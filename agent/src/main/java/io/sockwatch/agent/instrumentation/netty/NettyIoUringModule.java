package io.sockwatch.agent.instrumentation.netty;

import io.sockwatch.agent.instrumentation.SocketModule;
import io.sockwatch.agent.tracker.ConnectionTracker;
import java.util.List;

/**
 * Netty 4.2's io_uring transport: where its ring delivers the results of connects, reads, writes and accepts. Its
 * classes observe a connection together (if one differs, none is instrumented), on top of Netty's unix socket classes
 * that {@link NettyNativeModule} instruments and whose inspector it registers for {@code netty.io_uring} too.
 */
public final class NettyIoUringModule extends SocketModule {

    public NettyIoUringModule() {
        super(NettyTransport.IO_URING.api(), List.of(IoUringInstrumentation.CHANNEL, IoUringInstrumentation.UNSAFE,
                IoUringInstrumentation.STREAM_UNSAFE, IoUringInstrumentation.SERVER_UNSAFE));
    }

    /** Only applications that ship Netty 4.2's io_uring transport have these classes. */
    @Override
    public boolean isOptional() {
        return true;
    }

    @Override
    protected void register(ConnectionTracker tracker) {
        // NettyNativeModule registers the inspector of both transports and the native signals.
    }
}
