package io.sockwatch.agent.tracker;

import java.time.Instant;

/** Wall-clock epoch nanoseconds derived from the monotonic clock, so event order follows real order. */
public final class AgentClock {

    private static final long BASE_EPOCH_NANOS;
    private static final long BASE_NANO_TIME;

    static {
        Instant now = Instant.now();
        BASE_NANO_TIME = System.nanoTime();
        BASE_EPOCH_NANOS = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private AgentClock() {
    }

    public static long epochNanos(long nanoTime) {
        return BASE_EPOCH_NANOS + (nanoTime - BASE_NANO_TIME);
    }
}
