package io.sockwatch.agent;

import java.lang.instrument.Instrumentation;

/**
 * The {@code -javaagent} entry point. Whatever goes wrong while starting, the application runs on: the failure
 * is printed in one line and sockwatch stays out of the way.
 */
public final class SockwatchAgent {

    private static boolean started;

    private SockwatchAgent() {
    }

    public static void premain(String args, Instrumentation inst) {
        start(args, inst, false);
    }

    /** Attach to a running JVM (the jar's Agent-Class). */
    public static void agentmain(String args, Instrumentation inst) {
        start(args, inst, true);
    }

    private static synchronized void start(String args, Instrumentation inst, boolean attached) {
        if (disabled(args)) {
            if ("true".equalsIgnoreCase(setting(args, "debug"))) {
                System.err.println("sockwatch: disabled by sockwatch.enabled=false; nothing is instrumented");
            }
            return;
        }
        if (started) {
            System.err.println("sockwatch: already started; ignoring the second attach");
            return;
        }
        started = true;
        try {
            AgentStartup.start(args, inst, attached);
        } catch (Throwable t) {
            System.err.println("sockwatch: failed to start (" + t + "); the application runs without sockwatch");
        }
    }

    /**
     * {@code sockwatch.enabled=false}, read before anything else is loaded (the configuration's classes, the jar's
     * other entries): disabled, the agent costs the JVM only opening its jar. Any other value, a bad one included, is
     * left to the configuration to read and report.
     */
    static boolean disabled(String args) {
        return "false".equalsIgnoreCase(setting(args, "enabled"));
    }

    /**
     * A setting as the configuration finds it (system property, agent argument, environment), without its
     * classes: {@code name} is the key without {@code sockwatch.}.
     */
    static String setting(String args, String name) {
        String v = System.getProperty("sockwatch." + name);
        if (v == null && args != null) {
            for (String part : args.split(",")) {
                int eq = part.indexOf('=');
                String key = eq < 0 ? "" : part.substring(0, eq).trim();
                if (key.equals(name) || key.equals("sockwatch." + name)) {
                    v = part.substring(eq + 1); // the last one wins, as in the configuration
                }
            }
        }
        if (v == null) {
            v = System.getenv("SOCKWATCH_" + name.toUpperCase(java.util.Locale.ROOT));
        }
        return v == null ? null : v.trim();
    }
}
