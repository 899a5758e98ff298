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
 * <p>Capturing runs on the application's thread at every close, so it only walks the stack and keeps the frames.
 * Turning them into {@code code.*} attributes (file, line, the formatted trace) is left to whoever reads the
 * event's attributes, the export thread; and since a program closes its sockets from a handful of places, each
 * place is described once and its description shared by every event read after (strings only, so that no class
 * of the application is held). Finding the place costs the reader a few lookups instead of the formatting.
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
    /** Each place read so far, and its description. */
    private static final ConcurrentHashMap<Frames, Described> SITES = new ConcurrentHashMap<>();

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
        CallSite site = capture(depth);
        if (site != null) {
            attributes.put(KEY, site);
        }
    }

    /** The calling application frames, at most {@code depth} of them; null when there is none. */
    static CallSite capture(int depth) {
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
        return frames.length > 0 ? new CallSite(frames) : null;
    }

    /**
     * The attributes as read: a capture, if any, replaced by its {@code code.*} attributes. Formats only a place
     * read for the first time.
     */
    static void forEach(Map<String, Object> attributes, BiConsumer<String, Object> action) {
        attributes.forEach((k, v) -> {
            if (v instanceof CallSite site) {
                site.describe().forEach(action);
            } else {
                action.accept(k, v);
            }
        });
    }

    /** The attributes with a capture, if any, replaced by its {@code code.*} attributes. */
    static Map<String, Object> expand(Map<String, Object> attributes) {
        if (!(attributes.get(KEY) instanceof CallSite)) {
            return attributes;
        }
        Map<String, Object> expanded = new LinkedHashMap<>();
        forEach(attributes, expanded::put);
        return expanded;
    }

    /** The place's description: made once, then shared, while there is room for more places. */
    Described describe() {
        Frames place = Frames.of(frames);
        Described known = SITES.get(place);
        if (known != null) {
            return known;
        }
        Described d = describe(frames);
        if (SITES.size() < MAX_SITES) {
            SITES.putIfAbsent(place, d);
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
