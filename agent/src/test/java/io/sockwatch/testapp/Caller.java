package io.sockwatch.testapp;

import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.Map;

/** Stands for application code calling into a socket, from a package the call-site filter keeps. */
public final class Caller {

    private Caller() {
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> capture() {
        try {
            // What the tracker does: capture on the application's thread, expand when the event is read.
            Class<?> callSite = Class.forName("io.sockwatch.agent.tracker.CallSite");
            Method addTo = callSite.getDeclaredMethod("addTo", Map.class, int.class);
            Method expand = callSite.getDeclaredMethod("expand", Map.class);
            addTo.setAccessible(true);
            expand.setAccessible(true);
            Map<String, Object> attributes = new LinkedHashMap<>();
            addTo.invoke(null, attributes, 2);
            return (Map<String, Object>) expand.invoke(null, attributes);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
