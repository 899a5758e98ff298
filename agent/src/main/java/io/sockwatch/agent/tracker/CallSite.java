package io.sockwatch.agent.tracker;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Where the application called into the socket: the first frames that are not the JDK's or sockwatch's. */
final class CallSite {

    private static final StackWalker WALKER = StackWalker.getInstance();

    private CallSite() {
    }

    /** Adds {@code code.*} attributes for the calling application frames, at most {@code depth} of them. */
    static void addTo(Map<String, Object> attributes, int depth) {
        List<StackWalker.StackFrame> frames = WALKER.walk(s -> s
                .filter(f -> isApplicationFrame(f.getClassName()))
                .limit(depth)
                .collect(Collectors.toList()));
        if (frames.isEmpty()) {
            return;
        }
        StackWalker.StackFrame top = frames.get(0);
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

    static Map<String, Object> of(int depth) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        addTo(attributes, depth);
        return attributes;
    }

    static boolean isApplicationFrame(String className) {
        return !(className.startsWith("java.")
                || className.startsWith("javax.")
                || className.startsWith("jdk.")
                || className.startsWith("sun.")
                || className.startsWith("com.sun.")
                || className.startsWith("io.sockwatch.agent.")
                || className.startsWith("io.sockwatch.bootstrap."));
    }
}
