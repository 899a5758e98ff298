package io.sockwatch.agent.instrumentation;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Reports, once each, JDK internals that are not as sockwatch expects; the application runs on regardless. */
public final class Unsupported {

    private static final Set<String> REPORTED = ConcurrentHashMap.newKeySet();

    private Unsupported() {
    }

    public static void report(String what, Throwable cause) {
        if (REPORTED.add(what)) {
            System.err.println("sockwatch: unsupported on Java " + Runtime.version() + ": " + what
                    + (cause == null ? "" : " (" + cause + ")"));
        }
    }
}
