package io.sockwatch.agent.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;

class ConnectionTableTest {

    /** The length of the table's array, read reflectively: no member of the table exists only for this test. */
    private static int capacity(ConnectionTable table) {
        try {
            Field slots = ConnectionTable.class.getDeclaredField("slots");
            slots.setAccessible(true);
            return ((AtomicReferenceArray<?>) slots.get(table)).length();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static ConnectionState state() {
        return new ConnectionState("test", Role.CLIENT, System.nanoTime(), null, 0);
    }

    @Test
    void findsBySocketIdentityNotEquality() {
        ConnectionTable table = new ConnectionTable();
        String a = new String("same");
        String b = new String("same");
        ConnectionState sa = state();
        table.put(a, sa);
        assertSame(sa, table.get(a));
        assertNull(table.get(b), "an equal but different socket object is another connection");
    }

    @Test
    void removeForgetsTheSocketAndKeepsTheOthers() {
        ConnectionTable table = new ConnectionTable();
        List<Object> sockets = new ArrayList<>();
        List<ConnectionState> states = new ArrayList<>();
        for (int i = 0; i < 5000; i++) { // forces several resizes and long-lived chains
            Object s = new Object();
            ConnectionState st = state();
            sockets.add(s);
            states.add(st);
            table.put(s, st);
        }
        assertEquals(5000, table.all().size());
        for (int i = 0; i < 5000; i += 2) {
            table.remove(states.get(i));
        }
        assertEquals(2500, table.all().size());
        for (int i = 0; i < 5000; i++) {
            if (i % 2 == 0) {
                assertNull(table.get(sockets.get(i)), "removed " + i);
            } else {
                assertSame(states.get(i), table.get(sockets.get(i)), "kept " + i);
            }
        }
    }

    @Test
    void connectionChurnReusesRemovedSlotsInsteadOfGrowing() {
        ConnectionTable table = new ConnectionTable();
        List<Object> open = new ArrayList<>();
        List<ConnectionState> openStates = new ArrayList<>();
        for (int i = 0; i < 100; i++) { // long-lived connections that churn must probe past
            Object s = new Object();
            ConnectionState st = state();
            open.add(s);
            openStates.add(st);
            table.put(s, st);
        }
        for (int i = 0; i < 100_000; i++) {
            Object s = new Object();
            ConnectionState st = state();
            table.put(s, st);
            assertSame(st, table.get(s));
            table.remove(st);
            assertNull(table.get(s));
        }
        assertEquals(100, table.all().size());
        int capacity = capacity(table);
        assertTrue(capacity <= 512, "capacity " + capacity + " grew with removed entries");
        for (int i = 0; i < open.size(); i++) {
            assertSame(openStates.get(i), table.get(open.get(i)));
        }
        assertEquals(100, table.all().size());
    }

    @Test
    void readersSeeEveryTrackedSocketWhileWritersGrowTheTable() throws Exception {
        ConnectionTable table = new ConnectionTable();
        Object watched = new Object();
        ConnectionState watchedState = state();
        table.put(watched, watchedState);
        java.util.concurrent.atomic.AtomicInteger misses = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Thread reader = new Thread(() -> {
            while (!done.get()) {
                if (table.get(watched) != watchedState) {
                    misses.incrementAndGet();
                }
            }
        });
        reader.start();
        List<ConnectionState> added = new ArrayList<>();
        List<Object> keep = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            Object s = new Object();
            ConnectionState st = state();
            keep.add(s);
            added.add(st);
            table.put(s, st);
            if (i % 3 == 0) {
                table.remove(added.get(i / 2));
            }
        }
        done.set(true);
        reader.join();
        assertEquals(0, misses.get(), "a lookup of a tracked socket failed during resizes and removals");
    }

    @Test
    void putReplacesTheStateOfTheSameSocket() {
        ConnectionTable table = new ConnectionTable();
        Object s = new Object();
        table.put(s, state());
        ConnectionState second = state();
        table.put(s, second);
        assertSame(second, table.get(s));
        assertEquals(1, table.all().size());
    }

    @Test
    void reportsSocketsCollectedWithoutRemoval() throws Exception {
        ConnectionTable table = new ConnectionTable();
        ConnectionState leaked = state();
        ConnectionState closed = state();
        Object kept = new Object();
        table.put(kept, state());
        registerGarbage(table, leaked, closed);
        List<ConnectionState> collected = new ArrayList<>();
        for (int i = 0; i < 100 && collected.isEmpty(); i++) {
            System.gc();
            Thread.sleep(20);
            collected.addAll(table.collected());
        }
        assertEquals(List.of(leaked), collected, "only the socket that was never removed is reported");
        assertEquals(1, table.all().size());
        assertTrue(table.all().size() == 1 && table.get(kept) != null);
    }

    @Test
    void ignoredAndCollectedEntriesKeepTheirPlaceThroughRebuilds() throws Exception {
        ConnectionTable table = new ConnectionTable();
        Object ignored = new Object();
        table.ignore(ignored);
        ConnectionState leaked = state();
        table.put(new Object(), leaked); // collected, reported only after the rebuilds below
        table.ignore(new Object()); // collected: its entry goes at a rebuild, reporting nothing
        for (int i = 0; i < 50 && socketNotYetCollected(leaked); i++) {
            System.gc();
            Thread.sleep(20);
        }
        List<Object> keep = new ArrayList<>();
        List<ConnectionState> states = new ArrayList<>();
        for (int i = 0; i < 3000; i++) { // several rebuilds, each placing entries by their kept hash
            Object s = new Object();
            ConnectionState st = state();
            keep.add(s);
            states.add(st);
            table.put(s, st);
        }
        assertTrue(table.isKnown(ignored), "an ignored socket stays known");
        assertNull(table.get(ignored), "and untracked");
        assertNull(table.get(null), "null never matches a cleared entry");
        for (int i = 0; i < keep.size(); i++) {
            assertSame(states.get(i), table.get(keep.get(i)), "placed by its hash after rebuilds: " + i);
        }
        List<ConnectionState> collected = new ArrayList<>();
        for (int i = 0; i < 100 && collected.isEmpty(); i++) {
            System.gc();
            Thread.sleep(20);
            collected.addAll(table.collected());
        }
        assertEquals(List.of(leaked), collected, "the leaked socket's entry was still found by its hash");
        table.remove(states.get(0));
        assertNull(table.get(keep.get(0)));
        assertEquals(keep.size() - 1, table.all().size());
    }

    private static boolean socketNotYetCollected(ConnectionState state) {
        return state.tableRef.get() != null;
    }

    private static void registerGarbage(ConnectionTable table, ConnectionState leaked, ConnectionState closed) {
        table.put(new Object(), leaked);
        table.put(new Object(), closed);
        table.remove(closed);
    }
}
