package io.sockwatch.agent.tracker;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the application called into the socket: the first frames that are not the JDK's or sockwatch's.
 *
 * <p>Capturing runs on the application's thread at every close, so it only walks the stack and keeps the frames;
 * turning them into {@code code.*} attributes (file, line, the formatted trace: about a third of the cost) is left
 * to whoever reads the event's attributes, the export thread.
 */
final class CallSite {

    /** The attribute key a capture is stored under until {@link #expand} replaces it with {@code code.*}. */
    static final String KEY = "code.*";

    private static final StackWalker WALKER = StackWalker.getInstance();

    private final StackWalker.StackFrame[] frames;

    private CallSite(StackWalker.StackFrame[] frames) {
        this.frames = frames;
    }

    /** Adds the calling application frames, at most {@code depth} of them, to be expanded when read. */
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
        if (frames.length > 0) {
            attributes.put(KEY, new CallSite(frames));
        }
    }

    /** The attributes with a capture, if any, replaced by its {@code code.*} attributes. */
    static Map<String, Object> expand(Map<String, Object> attributes) {
        if (!(attributes.get(KEY) instanceof CallSite site)) {
            return attributes;
        }
        Map<String, Object> expanded = new LinkedHashMap<>();
        attributes.forEach((k, v) -> {
            if (v == site) {
                site.describe(expanded);
            } else {
                expanded.put(k, v);
            }
        });
        return expanded;
    }

    private void describe(Map<String, Object> attributes) {
        StackWalker.StackFrame top = frames[0];
        attributes.put("code.function.name", top.getClassName() + "." + top.getMethodName());
        if (top.getFileName() != null) {
            attributes.put("code.file.path", top.getFileName());
        }
        if (top.getLineNumber() > 0) {
            attributes.put("code.line.number", (long) top.getLineNumber());
        }
        StringBuilder trace = new StringBuilder();
        for (StackWalker.StackFrame f : frames) {
            trace.append("at ").append(f.toStackTraceElement()).append('\n');
        }
        attributes.put("code.stacktrace", trace.toString());
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
