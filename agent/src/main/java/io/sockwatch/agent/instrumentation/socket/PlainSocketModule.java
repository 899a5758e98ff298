package io.sockwatch.agent.instrumentation.socket;

import io.sockwatch.agent.instrumentation.SocketModule;

/**
 * {@code java.net.Socket} on the legacy {@code AbstractPlainSocketImpl} ({@code -Djdk.net.usePlainSocketImpl=true},
 * JDK 17 and older; JDK 18 removed it, so its absence is expected).
 */
public final class PlainSocketModule {

    public static final String API = "java.net.Socket:plain";

    public static final SocketModule MODULE = SocketModule.of(API,
            tracker -> tracker.registerInspector(API, new SocketImplInspector()),
            SocketImplInstrumentation.PLAIN, PlainSocketStreamsInstrumentation.INPUT,
            PlainSocketStreamsInstrumentation.OUTPUT)
            .optional();

    private PlainSocketModule() {
    }
}
