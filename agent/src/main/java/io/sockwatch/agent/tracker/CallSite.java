package io.sockwatch.agent.tracker;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.BiConsumer;

/**
 * Where the application called into the socket: the first frames that are not the JDK's or sockwatch's.
 *
 * <p>Capturing runs on the application's thread at every close, so it only walks the stack and looks the frames up
 * among the places already described. Turning new frames into {@code code.*} attributes (file, line, the formatted
 * trace) is left to whoever reads the event's attributes, the export thread; and since a program closes its sockets
 * from a handful of places, each place is described once and its description shared by every event captured or
 * read after (strings only, so that no class of the application is held). A capture at a known place keeps only
 * that shared description: the frames, and the JDK's objects behind them, die young instead of living through the
 * grace period and the export queue.
 */
final class CallSite {

    /** The attribute key a capture is stored under until it is read as {@code code.*}. */
    static final String KEY = "code.*";
    /** Distinct places remembered; beyond them each capture is described on its own. */
    static final int MAX_SITES = 4096;

    // The declaring class of a frame tells classes of the same name apart (another class loader, a redeployment)
    // without holding them: only its identity hash goes into the key. Reflection frames are shown because hiding
    // them costs a type check per frame (about 40% of the walk); they are the JDK's, which the filter drops anyway.
    private static final StackWalker WALKER = StackWalker.getInstance(
            Set.of(StackWalker.Option.RETAIN_CLASS_REFERENCE, StackWalker.Option.SHOW_REFLECT_FRAMES));
    /**
     * Each place described so far, by a hash of its frames: an open-addressing table at most half full, read
     * without a lock by the capturing threads, written under {@link #PLACES_LOCK}.
     */
    private static volatile AtomicReferenceArray<Place> places = new AtomicReferenceArray<>(2 * MAX_SITES);
    private static final Object PLACES_LOCK = new Object();
    private static int placeCount; // guarded by PLACES_LOCK

    private final StackWalker.StackFrame[] frames;

    private CallSite(StackWalker.StackFrame[] frames) {
        this.frames = frames;
    }

    /** What a place's events say, made once per place; only strings, so it holds no class of the application. */
    record Described(String function, String file, long line, String stacktrace) {

        /** The {@code code.*} attributes, as the contract (docs/telemetry.md) names them. */
        void forEach(BiConsumer<String, Object> action) {
            action.accept("code.function.name", function);
            if (file != null) {
                action.accept("code.file.path", file);
            }
            if (line > 0) {
                action.accept("code.line.number", line);
            }
            action.accept("code.stacktrace", stacktrace);
        }
    }

    /** Adds the calling application frames, at most {@code depth} of them, to be described when read. */
    static void addTo(Map<String, Object> attributes, int depth) {
        Object site = capture(depth);
        if (site != null) {
            attributes.put(KEY, site);
        }
    }

    /**
     * Where the application called from, at most {@code depth} frames: the shared {@link Described} of a place
     * already described (the frames, and the JDK's objects behind them, then die young instead of living through
     * the grace period and the export queue), else a {@code CallSite} that the reader describes; null when no
     * application frame is on the stack.
     */
    static Object capture(int depth) {
        StackWalker.StackFrame[] frames = WALKER.walk(s -> {
            StackWalker.StackFrame[] kept = new StackWalker.StackFrame[depth];
            int n = 0;
            for (var it = s.iterator(); it.hasNext() && n < depth; ) {
                StackWalker.StackFrame f = it.next();
                if (isApplicationFrame(f.getClassName())) {
                    kept[n++] = f;
                }
            }
            return n == depth ? kept : Arrays.copyOf(kept, n);
        });
        if (frames.length == 0) {
            return null;
        }
        Place known = find(frames, hash(frames));
        return known != null ? known.described : new CallSite(frames);
    }

    /** The attributes as read: a capture, if any, replaced by its {@code code.*} attributes. */
    static void forEach(Map<String, Object> attributes, BiConsumer<String, Object> action) {
        attributes.forEach((k, v) -> {
            if (v instanceof CallSite site) {
                site.describe().forEach(action);
            } else if (v instanceof Described known) {
                known.forEach(action);
            } else {
                action.accept(k, v);
            }
        });
    }

    /** The attributes with a capture, if any, replaced by its {@code code.*} attributes. */
    static Map<String, Object> expand(Map<String, Object> attributes) {
        Object site = attributes.get(KEY);
        if (!(site instanceof CallSite || site instanceof Described)) {
            return attributes;
        }
        Map<String, Object> expanded = new LinkedHashMap<>();
        forEach(attributes, expanded::put);
        return expanded;
    }

    /** The place's description: made once, then shared, while there is room for more places. */
    Described describe() {
        int hash = hash(frames);
        Place known = find(frames, hash);
        if (known != null) {
            return known.described;
        }
        Described d = describe(frames);
        remember(frames, hash, d);
        return d;
    }

    static Described describe(StackWalker.StackFrame[] frames) {
        StackWalker.StackFrame top = frames[0];
        StringBuilder trace = new StringBuilder();
        for (StackWalker.StackFrame f : frames) {
            trace.append("at ").append(f.toStackTraceElement()).append('\n');
        }
        return new Described(top.getClassName() + "." + top.getMethodName(), top.getFileName(),
                Math.max(0, top.getLineNumber()), trace.toString());
    }

    /** How many places are remembered (tests). */
    static int knownSites() {
        synchronized (PLACES_LOCK) {
            return placeCount;
        }
    }

    /** Forgets every place (tests). */
    static void forgetSites() {
        synchronized (PLACES_LOCK) {
            places = new AtomicReferenceArray<>(2 * MAX_SITES);
            placeCount = 0;
        }
    }

    /**
     * A place's hash, made without allocating: per frame its class's name and identity (classes of one name from
     * two class loaders are two places, and none is held), its method's name and the bytecode index, which
     * together say the line.
     */
    private static int hash(StackWalker.StackFrame[] frames) {
        int h = frames.length;
        for (StackWalker.StackFrame f : frames) {
            h = 31 * h + f.getClassName().hashCode();
            h = 31 * h + System.identityHashCode(f.getDeclaringClass());
            h = 31 * h + f.getMethodName().hashCode();
            h = 31 * h + f.getByteCodeIndex();
        }
        return h;
    }

    private static Place find(StackWalker.StackFrame[] frames, int hash) {
        AtomicReferenceArray<Place> table = places;
        int mask = table.length() - 1;
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            Place p = table.get(i);
            if (p == null) {
                return null;
            }
            if (p.hash == hash && p.matches(frames)) {
                return p;
            }
        }
    }

    private static void remember(StackWalker.StackFrame[] frames, int hash, Described described) {
        synchronized (PLACES_LOCK) {
            if (placeCount >= MAX_SITES || find(frames, hash) != null) {
                return; // full (each capture is then described on its own), or described meanwhile
            }
            Place place = new Place(frames, hash, described);
            AtomicReferenceArray<Place> table = places;
            int mask = table.length() - 1;
            int i = hash & mask;
            while (table.get(i) != null) {
                i = (i + 1) & mask;
            }
            table.set(i, place);
            placeCount++;
        }
    }

    /** A described place: its frames as strings and numbers (no class is held), and its description. */
    private static final class Place {
        private final String[] names;
        private final int[] numbers;
        final int hash;
        final Described described;

        Place(StackWalker.StackFrame[] frames, int hash, Described described) {
            this.names = new String[2 * frames.length];
            this.numbers = new int[2 * frames.length];
            for (int i = 0; i < frames.length; i++) {
                StackWalker.StackFrame f = frames[i];
                names[2 * i] = f.getClassName();
                names[2 * i + 1] = f.getMethodName();
                numbers[2 * i] = System.identityHashCode(f.getDeclaringClass());
                numbers[2 * i + 1] = f.getByteCodeIndex();
            }
            this.hash = hash;
            this.described = described;
        }

        boolean matches(StackWalker.StackFrame[] frames) {
            if (frames.length * 2 != names.length) {
                return false;
            }
            for (int i = 0; i < frames.length; i++) {
                StackWalker.StackFrame f = frames[i];
                if (numbers[2 * i + 1] != f.getByteCodeIndex()
                        || numbers[2 * i] != System.identityHashCode(f.getDeclaringClass())
                        || !names[2 * i].equals(f.getClassName()) || !names[2 * i + 1].equals(f.getMethodName())) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * Netty's native socket classes ({@code io.netty.channel.unix}, also shaded) are to its native transports what
     * {@code sun.nio.ch} is to its NIO one: the socket itself, not a caller.
     */
    static boolean isApplicationFrame(String className) {
        return !(className.startsWith("java.")
                || className.startsWith("javax.")
                || className.startsWith("jdk.")
                || className.startsWith("sun.")
                || className.startsWith("com.sun.")
                || className.startsWith("io.sockwatch.agent.")
                || className.startsWith("io.sockwatch.bootstrap.")
                || className.contains("io.netty.channel.unix."));
    }
}
