package io.sockwatch.agent.instrumentation.async;

import io.sockwatch.agent.instrumentation.SocketModule;
import io.sockwatch.agent.tracker.ConnectionTracker;
import io.sockwatch.bootstrap.SocketBridge;
import java.util.List;

/**
 * {@code AsynchronousSocketChannel} and {@code AsynchronousServerSocketChannel}, CompletionHandler and Future, seen
 * through their Unix implementation.
 *
 * <p>The channel, its base class and the hand-over points observe a connection together: if any of them differs,
 * none is instrumented. The server channel needs them (its accepted channels are theirs), they do not need it.
 */
public final class AsynchronousChannelModule extends SocketModule {

    public static final String API = "java.nio.channels.AsynchronousSocketChannel";

    public AsynchronousChannelModule() {
        super(API,
                List.of(AsynchronousSocketChannelInstrumentation.UNIX, AsynchronousSocketChannelInstrumentation.BASE,
                        InvokerInstrumentation.TYPE, FutureInstrumentation.PENDING, FutureInstrumentation.COMPLETED),
                AsynchronousServerSocketChannelInstrumentation.TYPE);
    }

    /** Besides the inspector: the hand-over points report results that only {@link AsyncOperations} can pair. */
    @Override
    protected void register(ConnectionTracker tracker) {
        tracker.registerInspector(API, new AsynchronousChannelInspector());
        SocketBridge.installAsync(new AsyncOperations(tracker));
    }
}
