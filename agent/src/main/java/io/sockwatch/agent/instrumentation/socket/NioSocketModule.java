package io.sockwatch.agent.instrumentation.socket;

import io.sockwatch.agent.instrumentation.SocketModule;

/** {@code java.net.Socket} and {@code ServerSocket} on {@code sun.nio.ch.NioSocketImpl}, the default since JDK 13. */
public final class NioSocketModule {

    public static final String API = "java.net.Socket";

    public static final SocketModule MODULE = SocketModule.of(API,
            tracker -> tracker.registerInspector(API, new SocketImplInspector()),
            SocketImplInstrumentation.NIO, SocketInstrumentation.TYPE);

    private NioSocketModule() {
    }
}
