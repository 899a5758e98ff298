package io.sockwatch.agent.tracker;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Maps a JDK socket object, by identity and weakly, to its {@link ConnectionState}.
 *
 * <p>Lookups run on every read and write, so {@link #get} takes no lock and allocates nothing: buckets hold
 * immutable chains that writers replace under a lock (connect, accept, close and GC are rare next to I/O).
 * The socket is held weakly so that a socket dropped without close() is collected and reported as leaked:
 * its reference shows up in {@link #collected()}.
 */
final class ConnectionTable {

    /** The weak link to the socket, one per connection, shared by every chain node that names it. */
    static final class Ref extends WeakReference<Object> {
        final int hash;
        final ConnectionState state;

        Ref(Object socket, int hash, ConnectionState state, ReferenceQueue<Object> queue) {
            super(socket, queue);
            this.hash = hash;
            this.state = state;
        }
    }

    private static final class Node {
        final Ref ref;
        final Node next;

        Node(Ref ref, Node next) {
            this.ref = ref;
            this.next = next;
        }
    }

    private static final int INITIAL_CAPACITY = 256;

    private final ReferenceQueue<Object> queue = new ReferenceQueue<>();
    private final Object writeLock = new Object();
    private volatile AtomicReferenceArray<Node> buckets = new AtomicReferenceArray<>(INITIAL_CAPACITY);
    private int size; // guarded by writeLock

    private static int hash(Object socket) {
        int h = System.identityHashCode(socket);
        return h ^ (h >>> 16);
    }

    /** The state of {@code socket}, or null when it is not tracked. Lock-free and allocation-free. */
    ConnectionState get(Object socket) {
        int h = hash(socket);
        AtomicReferenceArray<Node> b = buckets;
        for (Node n = b.get(h & (b.length() - 1)); n != null; n = n.next) {
            Ref ref = n.ref;
            if (ref.hash == h && ref.get() == socket) {
                return ref.state;
            }
        }
        return null;
    }

    /** Tracks {@code socket}; a previous state of the same socket is replaced. */
    void put(Object socket, ConnectionState state) {
        int h = hash(socket);
        Ref ref = new Ref(socket, h, state, queue);
        state.tableRef = ref;
        synchronized (writeLock) {
            removeSocket(socket, h);
            AtomicReferenceArray<Node> b = buckets;
            if (size + 1 > b.length() * 3 / 4) {
                b = resize(b);
            }
            int i = h & (b.length() - 1);
            b.set(i, new Node(ref, b.get(i)));
            size++;
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
            if (wasTracked) {
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
        AtomicReferenceArray<Node> b = buckets;
        for (int i = 0; i < b.length(); i++) {
            for (Node n = b.get(i); n != null; n = n.next) {
                result.add(n.ref.state);
            }
        }
        return result;
    }

    int size() {
        synchronized (writeLock) {
            return size;
        }
    }

    private void removeSocket(Object socket, int h) {
        AtomicReferenceArray<Node> b = buckets;
        for (Node n = b.get(h & (b.length() - 1)); n != null; n = n.next) {
            if (n.ref.hash == h && n.ref.get() == socket) {
                n.ref.clear();
                removeRef(n.ref);
                return;
            }
        }
    }

    /** Rebuilds the chain without {@code ref}; readers on the old chain still see a consistent list. */
    private boolean removeRef(Ref ref) {
        AtomicReferenceArray<Node> b = buckets;
        int i = ref.hash & (b.length() - 1);
        Node head = b.get(i);
        Node found = null;
        for (Node n = head; n != null; n = n.next) {
            if (n.ref == ref) {
                found = n;
                break;
            }
        }
        if (found == null) {
            return false;
        }
        Node rebuilt = found.next;
        for (Node n = head; n != found; n = n.next) {
            rebuilt = new Node(n.ref, rebuilt);
        }
        b.set(i, rebuilt);
        size--;
        return true;
    }

    private AtomicReferenceArray<Node> resize(AtomicReferenceArray<Node> old) {
        AtomicReferenceArray<Node> grown = new AtomicReferenceArray<>(old.length() * 2);
        for (int i = 0; i < old.length(); i++) {
            for (Node n = old.get(i); n != null; n = n.next) {
                int j = n.ref.hash & (grown.length() - 1);
                grown.set(j, new Node(n.ref, grown.get(j)));
            }
        }
        buckets = grown;
        return grown;
    }
}
