package io.sockwatch.agent.context;

/**
 * Tells the OpenTelemetry Java agent's own threads (its batch processors, metric reader and exporter HTTP client,
 * all running code of the agent's class loaders) from the application's, so that sockwatch never reports the
 * agent's export connections, wherever they go. One stack walk per thread, at its first connect; the answer is
 * kept for the thread's life: the agent's threads run nothing else, and the application's threads never run the
 * agent's loaders' code beneath a connect.
 */
final class JavaAgentThreads {

    private static final String JAVA_AGENT_PACKAGE = UnrelocatedNames.JAVA_AGENT;
    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    private final ThreadLocal<Boolean> known = new ThreadLocal<>();

    boolean isJavaAgentThread() {
        Boolean answer = known.get();
        if (answer == null) {
            answer = WALKER.walk(frames -> frames.anyMatch(f -> isJavaAgentLoader(f.getDeclaringClass()
                    .getClassLoader())));
            known.set(answer);
        }
        return answer;
    }

    /** The agent's class loader, or one of its children (its instrumentation modules', its extensions'). */
    static boolean isJavaAgentLoader(ClassLoader loader) {
        for (ClassLoader l = loader; l != null; l = l.getParent()) {
            if (l.getClass().getName().startsWith(JAVA_AGENT_PACKAGE)) {
                return true;
            }
        }
        return false;
    }
}
