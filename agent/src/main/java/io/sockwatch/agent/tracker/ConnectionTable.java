package io.sockwatch.agent.tracker;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Maps a JDK socket object, by identity and weakly, to its {@link ConnectionState}.
 *
 * <p>Lookups run on every read and write, so {@link #get} takes no lock and allocates nothing. The table is one
 * array of weak references probed linearly (no chain node per connection: idle connections are kept by the ten
 * thousand); writers change it under a lock (connect, accept, close and GC are rare next to I/O), leave a
 * tombstone where an entry was removed so that probes pass over it, and publish a rebuilt array when it fills.
 * The socket is held weakly so that a socket dropped without close() is collected and reported as leaked: its
 * reference shows up in {@link #collected()}.
 */
final class ConnectionTable {

    /**
     * The weak link to the socket: the table's entry for one connection. Its slot's hash is kept in the state, where
     * it fits in padding, not here, where it would make every entry 8 bytes larger.
     */
    static final class Ref extends WeakReference<Object> {
        final ConnectionState state;

        Ref(Object socket, ConnectionState state, ReferenceQueue<Object> queue) {
            super(socket, queue);
            this.state = state;
        }
    }

    /** Marks a removed entry; it never matches a socket, since it refers to nothing. */
    private static final Ref TOMBSTONE = new Ref(null, null, null);

    private static final int INITIAL_CAPACITY = 256;

    private final ReferenceQueue<Object> queue = new ReferenceQueue<>();
    private final Object writeLock = new Object();
    private volatile AtomicReferenceArray<Ref> slots = new AtomicReferenceArray<>(INITIAL_CAPACITY);
    private int size; // guarded by writeLock
    private int tombstones; // guarded by writeLock

    private static int hash(Object socket) {
        int h = System.identityHashCode(socket);
        return h ^ (h >>> 16);
    }

    /**
     * The state of {@code socket}, or null when it is not tracked. Lock-free and allocation-free. An array is
     * never more than half full, tombstones included, so every probe reaches an empty slot, and soon: a probe
     * dereferences each entry it passes, and a connection's connect and accept both probe for an absent socket.
     */
    ConnectionState get(Object socket) {
        if (socket == null) {
            return null; // a cleared entry refers to null too
        }
        int h = hash(socket);
        AtomicReferenceArray<Ref> a = slots;
        int mask = a.length() - 1;
        for (int i = h & mask; ; i = (i + 1) & mask) {
            Ref ref = a.get(i);
            if (ref == null) {
                return null;
            }
            if (ref.get() == socket) {
                return ref.state;
            }
        }
    }

    /** Tracks {@code socket}; a previous state of the same socket is replaced. */
    void put(Object socket, ConnectionState state) {
        int h = hash(socket);
        Ref ref = new Ref(socket, state, queue);
        state.tableHash = h;
        state.tableRef = ref;
        insert(socket, h, ref);
    }

    /**
     * Remembers {@code socket} as deliberately not tracked (sockwatch's own, an excluded peer): {@link #get} says
     * null as for any untracked socket, {@link #isKnown} says true, so it is never taken up mid-life.
     */
    void ignore(Object socket) {
        // No queue: the collection of an ignored socket reports nothing; its entry goes at the next rebuild.
        insert(socket, hash(socket), new Ref(socket, null, null));
    }

    /**
     * One probe from the socket's slot to the first empty one: it finds a previous entry of the same socket (replaced
     * where it is) and the first tombstone on the way (reused), so a new socket costs one probe, not two.
     */
    private void insert(Object socket, int h, Ref ref) {
        synchronized (writeLock) {
            AtomicReferenceArray<Ref> a = slots;
            if ((size + tombstones + 1) * 2L > a.length()) {
                a = rebuild(a);
            }
            int mask = a.length() - 1;
            int free = -1;
            int i = h & mask;
            for (Ref slot; (slot = a.get(i)) != null; i = (i + 1) & mask) {
                if (slot == TOMBSTONE) {
                    if (free < 0) {
                        free = i;
                    }
                } else if (slot.get() == socket) {
                    slot.clear();
                    a.set(i, ref);
                    return;
                }
            }
            if (free >= 0) {
                tombstones--;
                i = free;
            }
            a.set(i, ref);
            size++;
        }
    }

    /** Whether {@code socket} has an entry, tracked or ignored. */
    boolean isKnown(Object socket) {
        if (socket == null) {
            return false;
        }
        int h = hash(socket);
        AtomicReferenceArray<Ref> a = slots;
        int mask = a.length() - 1;
        for (int i = h & mask; ; i = (i + 1) & mask) {
            Ref ref = a.get(i);
            if (ref == null) {
                return false;
            }
            if (ref.get() == socket) {
                return true;
            }
        }
    }

    /** Stops tracking the connection of {@code state}; its socket will not be reported as collected. */
    void remove(ConnectionState state) {
        Ref ref = state.tableRef;
        if (ref == null) {
            return;
        }
        ref.clear();
        synchronized (writeLock) {
            removeRef(ref);
        }
    }

    /** States whose sockets were collected while still tracked, removed from the table as they are returned. */
    List<ConnectionState> collected() {
        List<ConnectionState> result = null;
        for (Object r; (r = queue.poll()) != null; ) {
            Ref ref = (Ref) r;
            boolean wasTracked;
            synchronized (writeLock) {
                wasTracked = removeRef(ref);
            }
            if (wasTracked && ref.state != null) {
                if (result == null) {
                    result = new ArrayList<>();
                }
                result.add(ref.state);
            }
        }
        return result == null ? List.of() : result;
    }

    /** A snapshot of every tracked state (for process exit). */
    List<ConnectionState> all() {
        List<ConnectionState> result = new ArrayList<>();
        AtomicReferenceArray<Ref> a = slots;
        for (int i = 0; i < a.length(); i++) {
            Ref ref = a.get(i);
            if (ref != null && ref != TOMBSTONE && ref.state != null) {
                result.add(ref.state);
            }
        }
        return result;
    }

    /**
     * Replaces {@code ref}, the entry of a tracked state, by a tombstone; readers probing past it still reach what
     * lies beyond.
     */
    private boolean removeRef(Ref ref) {
        AtomicReferenceArray<Ref> a = slots;
        int mask = a.length() - 1;
        for (int i = ref.state.tableHash & mask; ; i = (i + 1) & mask) {
            Ref slot = a.get(i);
            if (slot == null) {
                return false;
            }
            if (slot == ref) {
                a.set(i, TOMBSTONE);
                size--;
                tombstones++;
                return true;
            }
        }
    }

    /**
     * Copies the live entries (including those whose socket was collected but not yet reported) into a new array,
     * twice as large as often as they would fill more than a quarter of it, and publishes it. The old array is
     * never written again, so a reader still probing it sees a consistent, if slightly stale, table.
     */
    private AtomicReferenceArray<Ref> rebuild(AtomicReferenceArray<Ref> old) {
        int capacity = old.length();
        while ((size + 1) * 4L > capacity) {
            capacity *= 2;
        }
        AtomicReferenceArray<Ref> grown = new AtomicReferenceArray<>(capacity);
        int mask = capacity - 1;
        for (int i = 0; i < old.length(); i++) {
            Ref ref = old.get(i);
            if (ref == null || ref == TOMBSTONE) {
                continue;
            }
            int h;
            if (ref.state != null) {
                h = ref.state.tableHash;
            } else {
                Object socket = ref.get();
                if (socket == null) {
                    size--; // an ignored socket that was collected
                    continue;
                }
                h = hash(socket);
            }
            int j = h & mask;
            while (grown.get(j) != null) {
                j = (j + 1) & mask;
            }
            grown.set(j, ref);
        }
        tombstones = 0;
        slots = grown;
        return grown;
    }
}
