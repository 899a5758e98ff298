package io.sockwatch.agent.instrumentation;

import io.sockwatch.agent.tracker.ConnectionTracker;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One socket API that sockwatch observes (java.net.Socket on NioSocketImpl, SocketChannel, ...): its
 * {@code socket.api} name, the classes that carry it, how the tracker reads its sockets, whether only some JDKs have
 * it, and which of its classes stand or fall together.
 *
 * <p>Classes are instrumented one by one, when the JDK loads them. One that is not as expected is reported and left
 * alone; if it is one of the module's {@link #core()} classes, the whole module is (a connection seen by halves is
 * worse than none). What the other classes lack never stops the core.
 */
public final class SocketModule {

    private final String api;
    private final Consumer<ConnectionTracker> register;
    private final List<TypeInstrumentation> types;
    private final List<TypeInstrumentation> core;
    private final boolean optional;

    private SocketModule(String api, Consumer<ConnectionTracker> register, List<TypeInstrumentation> types,
                         List<TypeInstrumentation> core, boolean optional) {
        this.api = api;
        this.register = register;
        this.types = List.copyOf(types);
        this.core = List.copyOf(core);
        this.optional = optional;
    }

    /**
     * @param register registers with the tracker how to read this API's sockets (its inspector); inspectors look
     *                 their fields up on first use, so that registering at agent start loads no JDK socket class
     */
    public static SocketModule of(String api, Consumer<ConnectionTracker> register, TypeInstrumentation... types) {
        return new SocketModule(api, register, List.of(types), List.of(), false);
    }

    /** Only some JDKs have these classes (legacy paths): their absence is expected, not reported. */
    public SocketModule optional() {
        return new SocketModule(api, register, types, core, true);
    }

    /** Adds the module's core, first: classes without any of which none of the module's classes is instrumented. */
    public SocketModule withCore(TypeInstrumentation... classes) {
        List<TypeInstrumentation> all = new ArrayList<>(List.of(classes));
        all.addAll(types);
        return new SocketModule(api, register, all, List.of(classes), optional);
    }

    /** The {@code socket.api} of its connections. */
    public String api() {
        return api;
    }

    public List<TypeInstrumentation> types() {
        return types;
    }

    public List<TypeInstrumentation> core() {
        return core;
    }

    public boolean isOptional() {
        return optional;
    }

    void register(ConnectionTracker tracker) {
        register.accept(tracker);
    }

    /** Whether the JDK has any of the module's classes, without loading them. */
    boolean isPresent() {
        for (TypeInstrumentation type : types) {
            if (ClassLoader.getSystemResource(type.typeName().replace('.', '/') + ".class") != null) {
                return true;
            }
        }
        return false;
    }
}
