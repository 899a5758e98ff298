package io.sockwatch.agent.tracker;

import io.sockwatch.agent.classify.Operation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The attributes of the events the tracker records, built on the thread that saw the signal: which thread that was
 * and, where the settings ask for it, where the application called from. The one place that spells them.
 */
final class EventAttributes {

    /** {@code Thread.isVirtual()}, JDK 21 and later; null before. */
    private static final MethodHandle IS_VIRTUAL = isVirtualHandle();

    private final int callSiteDepth;

    EventAttributes(int callSiteDepth) {
        this.callSiteDepth = callSiteDepth;
    }

    /**
     * {@code thread.name} of the current thread and, when {@code withCallSite}, where the application called into
     * the socket (its {@code code.*} attributes, see {@link CallSite}). Mutable: the caller adds what its event says
     * besides, five attributes at most, which a table of 8 holds without growing; the map lives through the grace
     * period and the export queue, so its default table of 16 would be kept for nothing.
     */
    Map<String, Object> onThisThread(boolean withCallSite) {
        Map<String, Object> attributes = new LinkedHashMap<>(8);
        attributes.put("thread.name", threadName(Thread.currentThread()));
        if (withCallSite) {
            CallSite.addTo(attributes, callSiteDepth);
        }
        return attributes;
    }

    /**
     * Where the application called from, walked now (see {@link CallSite#capture}); null when no application frame
     * is on the stack.
     */
    Object callSite() {
        return CallSite.capture(callSiteDepth);
    }

    /**
     * A {@code socket.close} event's attributes: the closing thread, where it closed from (null when not recorded)
     * and how many other threads were blocked in I/O on the socket. A close no other thread waited on, the common
     * one, gets an immutable map: no table, no entry objects.
     */
    static Map<String, Object> close(String threadName, Object site, int threadsInIo) {
        if (threadsInIo <= 0) {
            return site == null ? Map.of("thread.name", threadName)
                    : Map.of("thread.name", threadName, CallSite.KEY, site);
        }
        Map<String, Object> attributes = new LinkedHashMap<>(8);
        attributes.put("thread.name", threadName);
        if (site != null) {
            attributes.put(CallSite.KEY, site);
        }
        if (threadsInIo > 0) {
            attributes.put("socket.close.threads_in_io", (long) threadsInIo);
        }
        return attributes;
    }

    /**
     * Walks the stack as a close does, enough times for the JIT to compile the walk: run at start on sockwatch's
     * own thread, so that the application's first close is as fast as its later ones and the agent does not widen
     * the race between a close and the peer's FIN that it judges.
     */
    void warmUp() {
        for (int i = 0; i < 2_000; i++) {
            onThisThread(true);
        }
    }

    /**
     * The thread's name; a virtual thread has none unless the application gave it one, so it is named by its id,
     * as {@code virtual-<id>}: a reader can tell it from a platform thread and follow it through a thread dump.
     */
    @SuppressWarnings("deprecation") // getId(): threadId() is JDK 19+, the agent runs on 17
    static String threadName(Thread thread) {
        String name = thread.getName();
        if (name.isEmpty() && isVirtual(thread)) {
            return "virtual-" + thread.getId();
        }
        return name;
    }

    private static boolean isVirtual(Thread thread) {
        try {
            return IS_VIRTUAL != null && (boolean) IS_VIRTUAL.invokeExact(thread);
        } catch (Throwable t) {
            return false;
        }
    }

    private static MethodHandle isVirtualHandle() {
        try {
            return MethodHandles.publicLookup().findVirtual(Thread.class, "isVirtual",
                    MethodType.methodType(boolean.class));
        } catch (ReflectiveOperationException e) {
            return null; // JDK 17: no virtual threads
        }
    }

    /** An {@code exception} event: the exception's class and message. */
    static Map<String, Object> exception(Throwable failure) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("exception.type", failure.getClass().getName());
        putMessage(attributes, failure);
        return attributes;
    }

    /** A {@code socket.timeout} event: the operation that timed out, and the exception's message. */
    static Map<String, Object> timeout(Operation operation, Throwable failure) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("socket.operation", operation.detectedBy());
        putMessage(attributes, failure);
        return attributes;
    }

    private static void putMessage(Map<String, Object> attributes, Throwable failure) {
        if (failure.getMessage() != null) {
            attributes.put("exception.message", failure.getMessage());
        }
    }
}
