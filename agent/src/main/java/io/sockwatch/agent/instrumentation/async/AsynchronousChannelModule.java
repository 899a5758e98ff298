package io.sockwatch.agent.instrumentation.async;

import io.sockwatch.agent.instrumentation.SocketModule;
import io.sockwatch.bootstrap.SocketBridge;

/**
 * {@code AsynchronousSocketChannel} and {@code AsynchronousServerSocketChannel}, CompletionHandler and Future, seen
 * through their Unix implementation. Besides its inspector, the module puts {@link AsyncOperations} behind the
 * bridge: the hand-over points report results that only it can pair with their operations.
 *
 * <p>The channel, its base class and the hand-over points observe a connection together: if any of them differs,
 * none is instrumented. The server channel needs them (its accepted channels are theirs), they do not need it.
 */
public final class AsynchronousChannelModule {

    public static final String API = "java.nio.channels.AsynchronousSocketChannel";

    public static final SocketModule MODULE = SocketModule.of(API,
            tracker -> {
                tracker.registerInspector(API, new AsynchronousChannelInspector());
                SocketBridge.installAsync(new AsyncOperations(tracker));
            },
            AsynchronousServerSocketChannelInstrumentation.TYPE)
            .withCore(AsynchronousSocketChannelInstrumentation.UNIX, AsynchronousSocketChannelInstrumentation.BASE,
                    InvokerInstrumentation.TYPE, FutureInstrumentation.PENDING, FutureInstrumentation.COMPLETED);

    private AsynchronousChannelModule() {
    }
}
