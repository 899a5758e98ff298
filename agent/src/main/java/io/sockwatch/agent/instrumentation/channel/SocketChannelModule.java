package io.sockwatch.agent.instrumentation.channel;

import io.sockwatch.agent.instrumentation.SocketModule;

/**
 * {@code java.nio.channels.SocketChannel} and {@code ServerSocketChannel}, blocking or not, TCP and Unix domain, and
 * the streams of {@code channel.socket()}. The accepted channels are read by the same inspector.
 */
public final class SocketChannelModule {

    public static final String API = "java.nio.channels.SocketChannel";

    public static final SocketModule MODULE = SocketModule.of(API,
            tracker -> tracker.registerInspector(API, new SocketChannelInspector()),
            SocketChannelImplInstrumentation.TYPE, ServerSocketChannelImplInstrumentation.TYPE);

    private SocketChannelModule() {
    }
}
