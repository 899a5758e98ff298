package io.sockwatch.agent.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The close-path warm-up waits for what runs before it, and is left out when the program ends first. */
class WarmUpGateTest {

    private static ConnectionTracker tracker() {
        return new ConnectionTracker(new TrackerSettings(true, false, 3, 0, 16,
                PeerFilter.parse(List.of(), new ArrayList<>()), true, Long.MAX_VALUE, false), connection -> { });
    }

    @Test
    void theWarmUpFollowsWhatItWaitsFor() throws InterruptedException {
        ConnectionTracker tracker = tracker();
        CountDownLatch released = new CountDownLatch(1);
        CountDownLatch warmedUp = new CountDownLatch(1);
        tracker.start(() -> {
            try {
                released.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, warmedUp::countDown, () -> new Object[0]);
        assertEquals(1, warmedUp.getCount(), "not before");
        released.countDown();
        assertTrue(warmedUp.await(5, TimeUnit.SECONDS));
        tracker.shutdown();
    }

    @Test
    void aProgramThatEndsFirstIsNotWarmedUpFor() throws InterruptedException {
        ConnectionTracker tracker = tracker();
        CountDownLatch waiting = new CountDownLatch(1);
        AtomicInteger warmUps = new AtomicInteger();
        tracker.start(() -> {
            waiting.countDown();
            try {
                Thread.sleep(60_000); // the exit interrupts it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, warmUps::incrementAndGet, () -> new Object[0]);
        assertTrue(waiting.await(5, TimeUnit.SECONDS));
        long t0 = System.nanoTime();
        tracker.shutdown();
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(1), "the exit does not wait for the warm-up");
        assertEquals(0, warmUps.get());
        assertEquals(0, tracker.internalErrors());
    }
}
