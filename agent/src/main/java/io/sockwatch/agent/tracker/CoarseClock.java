package io.sockwatch.agent.tracker;

import java.util.concurrent.locks.LockSupport;

/**
 * The time of the last successful read or write, without a clock call on the read/write path: a {@code nanoTime}
 * sampled every {@value #TICK_MILLIS} ms by the {@code sockwatch-clock} thread, read with one volatile load. Idle
 * times and the stale-reuse threshold need milliseconds, not nanoseconds; a read or write is timed at most one tick
 * early.
 */
final class CoarseClock {

    static final long TICK_MILLIS = 10;

    private static volatile long now = System.nanoTime();
    private static Thread ticker;

    private CoarseClock() {
    }

    /** A {@link System#nanoTime} value at most one tick old. */
    static long now() {
        return now;
    }

    /** Starts the ticking thread once; until then (and in unit tests) the clock moves only by {@link #tick}. */
    static synchronized void start() {
        if (ticker != null) {
            return;
        }
        ticker = new Thread(CoarseClock::tickForever, "sockwatch-clock");
        ticker.setDaemon(true);
        ticker.start();
    }

    /** Samples the clock now. */
    static void tick() {
        now = System.nanoTime();
    }

    private static void tickForever() {
        long tick = TICK_MILLIS * 1_000_000L;
        while (true) {
            LockSupport.parkNanos(tick);
            now = System.nanoTime();
        }
    }
}
