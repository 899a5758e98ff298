package io.sockwatch.agent.context;

import io.sockwatch.agent.tracker.ApplicationTraces.SpanIds;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * One OpenTelemetry API as the application's code sees it (the Java agent's copy in the bootstrap loader, or the
 * application's own in its loader), called through method handles: sockwatch compiles against neither, and a
 * version it has never seen still has these five methods, which the API has kept since 1.0.
 */
final class SpanApi {

    /** Where the OpenTelemetry Java agent keeps the API the application's calls are bridged to. */
    static final String JAVA_AGENT_PREFIX = UnrelocatedNames.JAVA_AGENT_API;
    /** The API's own package, in the application's loader. */
    static final String APPLICATION_PREFIX = UnrelocatedNames.APPLICATION_API;

    private final Class<?> spanContextType;
    private final MethodHandle currentSpanContext;
    private final MethodHandle isValid;
    private final MethodHandle traceId;
    private final MethodHandle spanId;
    private final MethodHandle isSampled;
    private final String description;

    private SpanApi(Class<?> spanContextType, MethodHandle currentSpanContext, MethodHandle isValid,
                    MethodHandle traceId, MethodHandle spanId, MethodHandle isSampled, String description) {
        this.spanContextType = spanContextType;
        this.currentSpanContext = currentSpanContext;
        this.isValid = isValid;
        this.traceId = traceId;
        this.spanId = spanId;
        this.isSampled = isSampled;
        this.description = description;
    }

    /** The API under {@code prefix} in {@code loader} (null: the bootstrap loader); throws if it is not there. */
    static SpanApi resolve(String prefix, ClassLoader loader, String description) throws ReflectiveOperationException {
        Class<?> span = Class.forName(prefix + "api.trace.Span", false, loader);
        Class<?> context = Class.forName(prefix + "api.trace.SpanContext", false, loader);
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        MethodHandle current = lookup.findStatic(span, "current", MethodType.methodType(span));
        MethodHandle spanContext = lookup.findVirtual(span, "getSpanContext", MethodType.methodType(context));
        MethodType toBoolean = MethodType.methodType(boolean.class, Object.class);
        MethodType toString = MethodType.methodType(String.class, Object.class);
        return new SpanApi(context,
                MethodHandles.filterReturnValue(current, spanContext).asType(MethodType.methodType(Object.class)),
                lookup.findVirtual(context, "isValid", MethodType.methodType(boolean.class)).asType(toBoolean),
                lookup.findVirtual(context, "getTraceId", MethodType.methodType(String.class)).asType(toString),
                lookup.findVirtual(context, "getSpanId", MethodType.methodType(String.class)).asType(toString),
                lookup.findVirtual(context, "isSampled", MethodType.methodType(boolean.class)).asType(toBoolean),
                description);
    }

    /** The span context current on this thread, or null when no valid span is current. */
    Object current() throws Throwable {
        Object context = (Object) currentSpanContext.invokeExact();
        return context != null && (boolean) isValid.invokeExact(context) ? context : null;
    }

    boolean owns(Object spanContext) {
        return spanContextType.isInstance(spanContext);
    }

    SpanIds ids(Object spanContext) throws Throwable {
        return new SpanIds((String) traceId.invokeExact(spanContext), (String) spanId.invokeExact(spanContext),
                (boolean) isSampled.invokeExact(spanContext));
    }

    @Override
    public String toString() {
        return description;
    }
}
