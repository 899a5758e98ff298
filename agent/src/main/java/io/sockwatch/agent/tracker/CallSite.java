package io.sockwatch.agent.tracker;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * Where the application called into the socket: the first frames that are not the JDK's or sockwatch's.
 *
 * <p>Capturing runs on the application's thread at every close, so it only walks the stack. A program closes its
 * sockets from a handful of places, so each place is described ({@code code.*}: file, line, the formatted trace)
 * once and shared by every event captured there; an event keeps that shared description, not the walk's frames,
 * through its grace period and export queue. The first capture at a place keeps its frames, described by whoever
 * reads the event's attributes (the export thread), so that a close is never slowed by formatting; a place seen
 * again is described where it is captured, once. Beyond {@link #MAX_SITES} places, every capture keeps its frames.
 */
final class CallSite {

    /** The attribute key a capture is stored under until it is read as {@code code.*}. */
    static final String KEY = "code.*";
    /** Distinct places remembered; beyond them a capture is described on its own, when read. */
    static final int MAX_SITES = 4096;

    // The declaring class of a frame tells classes of the same name apart (another class loader, a redeployment)
    // without holding them: only its identity hash goes into the key. Reflection frames are shown because hiding
    // them costs a type check per frame (about 40% of the walk); they are the JDK's, which the filter drops anyway.
    private static final StackWalker WALKER = StackWalker.getInstance(
            Set.of(StackWalker.Option.RETAIN_CLASS_REFERENCE, StackWalker.Option.SHOW_REFLECT_FRAMES));
    /** Per place, its {@link Described} or, seen once and not read yet, {@link #SEEN_ONCE}. */
    private static final ConcurrentHashMap<Frames, Object> SITES = new ConcurrentHashMap<>();
    private static final Object SEEN_ONCE = new Object();

    private final StackWalker.StackFrame[] frames;
    private final Frames place;

    private CallSite(StackWalker.StackFrame[] frames, Frames place) {
        this.frames = frames;
        this.place = place;
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

    /** Adds the calling application frames, at most {@code depth} of them, as a shared description when known. */
    static void addTo(Map<String, Object> attributes, int depth) {
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
            return;
        }
        Frames place = Frames.of(frames);
        Object known = SITES.get(place);
        if (known instanceof Described d) {
            attributes.put(KEY, d);
        } else if (known == SEEN_ONCE) {
            Described d = describe(frames);
            SITES.put(place, d);
            attributes.put(KEY, d);
        } else {
            if (SITES.size() < MAX_SITES) {
                SITES.putIfAbsent(place, SEEN_ONCE);
            }
            attributes.put(KEY, new CallSite(frames, place));
        }
    }

    /**
     * The attributes as read: a capture, if any, replaced by its {@code code.*} attributes. Allocates only to
     * describe a place the first time.
     */
    static void forEach(Map<String, Object> attributes, BiConsumer<String, Object> action) {
        attributes.forEach((k, v) -> {
            if (v instanceof Described d) {
                d.forEach(action);
            } else if (v instanceof CallSite site) {
                site.describe().forEach(action);
            } else {
                action.accept(k, v);
            }
        });
    }

    /** The attributes with a capture, if any, replaced by its {@code code.*} attributes. */
    static Map<String, Object> expand(Map<String, Object> attributes) {
        Object capture = attributes.get(KEY);
        if (!(capture instanceof Described) && !(capture instanceof CallSite)) {
            return attributes;
        }
        Map<String, Object> expanded = new LinkedHashMap<>();
        forEach(attributes, expanded::put);
        return expanded;
    }

    /** Describes the frames, and remembers the place for the captures after it while there is room. */
    private Described describe() {
        Object known = SITES.get(place);
        if (known instanceof Described d) {
            return d;
        }
        Described d = describe(frames);
        if (known != null || SITES.size() < MAX_SITES) {
            SITES.put(place, d);
        }
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
        return SITES.size();
    }

    /** Forgets every place (tests). */
    static void forgetSites() {
        SITES.clear();
    }

    /**
     * A place in the code, as the key of its description: per frame the declaring class (its name and identity
     * hash), the method and the bytecode index, which together say the line.
     */
    static final class Frames {
        private final String[] names;
        private final int[] numbers;
        private final int hash;

        private Frames(String[] names, int[] numbers) {
            this.names = names;
            this.numbers = numbers;
            this.hash = 31 * Arrays.hashCode(names) + Arrays.hashCode(numbers);
        }

        static Frames of(StackWalker.StackFrame[] frames) {
            String[] names = new String[2 * frames.length];
            int[] numbers = new int[2 * frames.length];
            for (int i = 0; i < frames.length; i++) {
                StackWalker.StackFrame f = frames[i];
                names[2 * i] = f.getClassName();
                names[2 * i + 1] = f.getMethodName();
                numbers[2 * i] = System.identityHashCode(f.getDeclaringClass());
                numbers[2 * i + 1] = f.getByteCodeIndex();
            }
            return new Frames(names, numbers);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Frames other && hash == other.hash && Arrays.equals(numbers, other.numbers)
                    && Arrays.equals(names, other.names);
        }

        @Override
        public int hashCode() {
            return hash;
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
