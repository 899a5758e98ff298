package io.sockwatch.agent.instrumentation.socket;

import io.sockwatch.agent.instrumentation.SocketModule;
import io.sockwatch.agent.tracker.ConnectionTracker;

/**
 * {@code java.net.Socket} on the legacy {@code AbstractPlainSocketImpl} ({@code -Djdk.net.usePlainSocketImpl=true},
 * JDK 17 and older).
 */
public final class PlainSocketModule extends SocketModule {

    public static final String API = "java.net.Socket:plain";

    public PlainSocketModule() {
        super(API, SocketImplInstrumentation.PLAIN, PlainSocketStreamsInstrumentation.INPUT,
                PlainSocketStreamsInstrumentation.OUTPUT);
    }

    /** JDK 18 removed these classes. */
    @Override
    public boolean isOptional() {
        return true;
    }

    @Override
    protected void register(ConnectionTracker tracker) {
        tracker.registerInspector(API, new SocketImplInspector(false));
    }
}
