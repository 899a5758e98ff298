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
}
