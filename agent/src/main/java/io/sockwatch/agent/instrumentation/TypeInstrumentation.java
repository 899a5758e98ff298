package io.sockwatch.agent.instrumentation;

import io.sockwatch.agent.tracker.ConnectionTracker;
import io.sockwatch.agent.tracker.SocketInspector;
import io.sockwatch.agent.tracker.TlsInspector;
import java.util.List;
import net.bytebuddy.asm.AsmVisitorWrapper;

/** One JDK class that sockwatch instruments: which methods it needs, the advice, and how to read its sockets. */
public interface TypeInstrumentation {

    /** The JDK class, by name (it is not exported, so it is never referenced as a type). */
    String typeName();

    /** True for classes that only some JDKs have (legacy paths): their absence is expected, not reported. */
    default boolean optional() {
        return false;
    }

    /** The {@code socket.api} value of connections seen through this class. */
    String api();

    /** Methods that must exist with these exact parameters, or the class is reported as unsupported. */
    List<MethodSignature> requiredMethods();

    /** Fields the advice reads, by name; their absence makes the class unsupported. */
    default List<String> requiredFields() {
        return List.of();
    }

    /**
     * Other instrumented JDK classes (by name) without which this one's signals would be incomplete: when any of them
     * is not as expected, this class is left alone too (a connection seen by halves is worse than none).
     */
    default List<String> companions() {
        return List.of();
    }

    AsmVisitorWrapper advice();

    /**
     * How to read this class's sockets, or null when connections are tracked through another class. Called at agent
     * start: the inspector must look the class's fields up on first use, not when it is built.
     */
    SocketInspector inspector();

    /** For TLS sockets: how to find the connection underneath and its TLS state. Called at agent start, as above. */
    default TlsInspector tlsInspector() {
        return null;
    }

    /** Called when the advice is woven into the class, that is when its shape matched (once per transformation). */
    default void applied(ConnectionTracker tracker) {
    }
}
