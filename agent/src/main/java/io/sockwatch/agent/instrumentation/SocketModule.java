package io.sockwatch.agent.instrumentation;

import io.sockwatch.agent.tracker.ConnectionTracker;
import java.util.ArrayList;
import java.util.List;

/**
 * One socket API that sockwatch observes (java.net.Socket on NioSocketImpl, SocketChannel, ...): its
 * {@code socket.api} name, the classes that carry it, how the tracker reads its sockets, whether only some JDKs have
 * it, and which of its classes stand or fall together.
 *
 * <p>Classes are instrumented one by one, when the JDK loads them. One that is not as expected is reported and left
 * alone; if it is one of the module's {@link #core()} classes, the whole module is (a connection seen by halves is
 * worse than none). What the other classes lack never stops the core.
 *
 * <p>Modules are subclasses rather than lambdas: each lambda costs a class spun at agent start.
 */
public abstract class SocketModule {

    private final String api;
    private final List<TypeInstrumentation> types;
    private final List<TypeInstrumentation> core;

    /** A module whose classes each stand alone. */
    protected SocketModule(String api, TypeInstrumentation... types) {
        this(api, List.of(), types);
    }

    /**
     * @param core   classes without any of which none of the module's classes is instrumented
     * @param others the module's other classes
     */
    protected SocketModule(String api, List<TypeInstrumentation> core, TypeInstrumentation... others) {
        List<TypeInstrumentation> all = new ArrayList<>(core);
        all.addAll(List.of(others));
        this.api = api;
        this.types = List.copyOf(all);
        this.core = List.copyOf(core);
    }

    /** The {@code socket.api} of its connections. */
    public final String api() {
        return api;
    }

    /** Its classes, the core first. */
    public final List<TypeInstrumentation> types() {
        return types;
    }

    public final List<TypeInstrumentation> core() {
        return core;
    }

    /** Only some JDKs have these classes (legacy paths): their absence is expected, not reported. */
    public boolean isOptional() {
        return false;
    }

    /**
     * Registers with the tracker how to read this API's sockets (its inspector). Called at agent start: inspectors
     * look their fields up on first use, so that registering loads no JDK socket class.
     */
    protected abstract void register(ConnectionTracker tracker);

    /** The advice was woven into {@code type}, that is its shape matched (once per transformation). */
    protected void woven(TypeInstrumentation type, ConnectionTracker tracker) {
    }

    /** Whether the JDK has any of the module's classes, without loading them. */
    final boolean isPresent() {
        for (TypeInstrumentation type : types) {
            if (ClassLoader.getSystemResource(type.typeName().replace('.', '/') + ".class") != null) {
                return true;
            }
        }
        return false;
    }
}
