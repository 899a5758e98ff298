package io.sockwatch.agent.context;

import io.sockwatch.agent.tracker.ApplicationTraces;
import java.lang.instrument.Instrumentation;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The application's traces through OpenTelemetry, without depending on it: the Java agent's API when the agent is
 * attached (in either {@code -javaagent} order; the application's own API calls are bridged to it then), else the
 * API of an SDK the application configured itself. Resolved lazily, once found for good; while neither is there,
 * looked for again at most once a second, or as soon as the application's API is loaded.
 */
public final class OtelApplicationTraces implements ApplicationTraces {

    private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final ApplicationApiLoaders applicationApi = new ApplicationApiLoaders();
    private final JavaAgentThreads javaAgentThreads = new JavaAgentThreads();
    private final Consumer<String> debug;
    private volatile SpanApi api;
    private volatile boolean javaAgent;
    private volatile long nextLookNanos = System.nanoTime();
    private ClassLoader lookedIn;

    /** {@code debug} is told which API was found; null to say nothing. */
    public OtelApplicationTraces(Consumer<String> debug) {
        this.debug = debug;
    }

    public void watch(Instrumentation inst) {
        applicationApi.watch(inst);
    }

    @Override
    public Object currentSpan() {
        try {
            SpanApi a = api();
            return a == null ? null : a.current();
        } catch (Throwable e) {
            return null;
        }
    }

    @Override
    public boolean isOtherAgentsExport() {
        try {
            return api() != null && javaAgent && javaAgentThreads.isJavaAgentThread();
        } catch (Throwable e) {
            return false; // never at the application's expense: its connection is then simply observed
        }
    }

    @Override
    public SpanIds ids(Object span) {
        SpanApi a = api;
        try {
            return a != null && span != null && a.owns(span) ? a.ids(span) : null;
        } catch (Throwable e) {
            return null;
        }
    }

    private SpanApi api() {
        SpanApi a = api;
        if (a != null) {
            return a;
        }
        ClassLoader application = applicationApi.loader();
        if (System.nanoTime() - nextLookNanos < 0 && application == lookedIn) {
            return null;
        }
        return look(application);
    }

    private synchronized SpanApi look(ClassLoader application) {
        if (api != null) {
            return api;
        }
        nextLookNanos = System.nanoTime() + RETRY_NANOS;
        lookedIn = application;
        try {
            SpanApi found = SpanApi.resolve(SpanApi.JAVA_AGENT_PREFIX, null, "the OpenTelemetry Java agent");
            javaAgent = true;
            return found(found);
        } catch (ReflectiveOperationException | LinkageError | RuntimeException absent) {
            // no Java agent (yet)
        }
        if (application != null) {
            try {
                return found(SpanApi.resolve(SpanApi.APPLICATION_PREFIX, application,
                        "the application's OpenTelemetry API (" + application + ")"));
            } catch (ReflectiveOperationException | LinkageError | RuntimeException unusable) {
                // an API without Span.current(): nothing to read
            }
        }
        return null;
    }

    private SpanApi found(SpanApi found) {
        api = found;
        if (debug != null) {
            debug.accept("sockwatch: reading the application's current spans through " + found);
        }
        return found;
    }
}
