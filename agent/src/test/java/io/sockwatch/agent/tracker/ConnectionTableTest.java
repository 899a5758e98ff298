package io.sockwatch.agent.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectionTableTest {

    private static ConnectionState state() {
        return new ConnectionState("test", Kind.CLIENT, System.nanoTime(), null, 0);
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
        assertEquals(5000, table.size());
        for (int i = 0; i < 5000; i += 2) {
            table.remove(states.get(i));
        }
        assertEquals(2500, table.size());
        for (int i = 0; i < 5000; i++) {
            if (i % 2 == 0) {
                assertNull(table.get(sockets.get(i)), "removed " + i);
            } else {
                assertSame(states.get(i), table.get(sockets.get(i)), "kept " + i);
            }
        }
    }

    @Test
    void putReplacesTheStateOfTheSameSocket() {
        ConnectionTable table = new ConnectionTable();
        Object s = new Object();
        table.put(s, state());
        ConnectionState second = state();
        table.put(s, second);
        assertSame(second, table.get(s));
        assertEquals(1, table.size());
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
        assertEquals(1, table.size());
        assertTrue(table.all().size() == 1 && table.get(kept) != null);
    }

    private static void registerGarbage(ConnectionTable table, ConnectionState leaked, ConnectionState closed) {
        table.put(new Object(), leaked);
        table.put(new Object(), closed);
        table.remove(closed);
    }
}
