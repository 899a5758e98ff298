package io.sockwatch.agent.tracker;

import java.util.function.Supplier;

/**
 * Marks threads doing sockwatch's own work (the export): connections they open are never observed, so the agent
 * never reports its own traffic, nor feeds on it. Agent-side only: the JDK never asks, the tracker does.
 */
public final class AgentWork {

    private static final ThreadLocal<Boolean> ACTIVE = new ThreadLocal<>();

    private AgentWork() {
    }

    /** Marks (or unmarks) the current thread for good: the export thread. */
    public static void mark(boolean active) {
        if (active) {
            ACTIVE.set(Boolean.TRUE);
        } else {
            ACTIVE.remove();
        }
    }

    public static boolean isActive() {
        return ACTIVE.get() != null;
    }

    /** Runs {@code work} as agent work; a thread that was marked stays marked, any other is unmarked again. */
    public static <T> T run(Supplier<T> work) {
        boolean was = isActive();
        mark(true);
        try {
            return work.get();
        } finally {
            mark(was);
        }
    }
}
