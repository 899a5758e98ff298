package io.sockwatch.agent.instrumentation.socket;

import io.sockwatch.agent.instrumentation.SocketModule;
import io.sockwatch.agent.tracker.ConnectionTracker;

/** {@code java.net.Socket} and {@code ServerSocket} on {@code sun.nio.ch.NioSocketImpl}, the default since JDK 13. */
public final class NioSocketModule extends SocketModule {

    public static final String API = "java.net.Socket";

    public NioSocketModule() {
        super(API, SocketImplInstrumentation.NIO, SocketInstrumentation.TYPE);
    }

    @Override
    protected void register(ConnectionTracker tracker) {
        tracker.registerInspector(API, new SocketImplInspector(true));
    }
}
