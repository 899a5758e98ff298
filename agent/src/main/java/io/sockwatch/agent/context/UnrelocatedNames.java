package io.sockwatch.agent.context;

/**
 * Names of OpenTelemetry's packages as the application and the Java agent spell them. The agent jar relocates every
 * string constant that starts with {@code io.opentelemetry} (or {@code io/opentelemetry}) to sockwatch's own
 * shaded copy; these are joined at run time so that they keep naming the others'.
 */
final class UnrelocatedNames {

    private static final String ROOT = String.join(".", "io", "opentelemetry");

    /** The application's OpenTelemetry API package root, {@code io.opentelemetry.}. */
    static final String APPLICATION_API = ROOT + ".";
    /** Where the Java agent relocated the API that the application's calls are bridged to. */
    static final String JAVA_AGENT_API = ROOT + ".javaagent.shaded." + ROOT + ".";
    /** The Java agent's own classes, its class loaders among them. */
    static final String JAVA_AGENT = ROOT + ".javaagent.";
    /** The application's {@code Span} class, as a class file transformer is told its name. */
    static final String APPLICATION_SPAN_INTERNAL = String.join("/", "io", "opentelemetry", "api", "trace", "Span");
    static final String APPLICATION_SPAN = APPLICATION_API + "api.trace.Span";

    private UnrelocatedNames() {
    }
}
