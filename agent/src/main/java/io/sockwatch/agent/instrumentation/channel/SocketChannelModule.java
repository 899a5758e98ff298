package io.sockwatch.agent.instrumentation.channel;

import io.sockwatch.agent.instrumentation.SocketModule;
import io.sockwatch.agent.tracker.ConnectionTracker;

/**
 * {@code java.nio.channels.SocketChannel} and {@code ServerSocketChannel}, blocking or not, TCP and Unix domain, and
 * the streams of {@code channel.socket()}. The accepted channels are read by the same inspector.
 */
public final class SocketChannelModule extends SocketModule {

    public static final String API = "java.nio.channels.SocketChannel";

    public SocketChannelModule() {
        super(API, SocketChannelImplInstrumentation.TYPE, ServerSocketChannelImplInstrumentation.TYPE);
    }

    @Override
    protected void register(ConnectionTracker tracker) {
        tracker.registerInspector(API, new SocketChannelInspector());
    }
}
