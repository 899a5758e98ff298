package io.sockwatch.agent.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.none;

import io.sockwatch.agent.tracker.ConnectionTracker;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.utility.JavaModule;

/**
 * Installs every {@link TypeInstrumentation} whose JDK class exists and looks as expected, retransforming
 * classes that are already loaded. What is missing or different is reported once and skipped.
 */
public final class Instrumenter {

    /** Every JDK class sockwatch knows how to instrument. */
    static List<TypeInstrumentation> all() {
        return List.of(new NioSocketImplInstrumentation(), new SocketInstrumentation(),
                new SocketChannelImplInstrumentation(), new ServerSocketChannelImplInstrumentation(),
                new PlainSocketImplInstrumentation(), new PlainSocketStreamsInstrumentation.Input(),
                new PlainSocketStreamsInstrumentation.Output(), new SslSocketImplInstrumentation(),
                new TlsTransportContextInstrumentation());
    }

    private static final String NEXUS_DISABLED = "net.bytebuddy.nexus.disabled";

    private Instrumenter() {
    }

    /** Installs the instrumentations and returns the {@code socket.api} values now observed. */
    public static List<String> install(Instrumentation inst, ConnectionTracker tracker, boolean debug) {
        // Advice is inlined and nothing is injected, so Byte Buddy's Nexus is not needed; disabling it keeps
        // Byte Buddy from probing sun.misc.Unsafe (which JDK 24+ warns about on the application's console).
        // The shade plugin relocates this key along with Byte Buddy, so it never touches the application's copy.
        System.setProperty(NEXUS_DISABLED, "true");
        AgentBuilder builder = new AgentBuilder.Default()
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                .with(AgentBuilder.InjectionStrategy.Disabled.INSTANCE)
                .with(AgentBuilder.TypeStrategy.Default.REDEFINE)
                .with(new FailureListener(debug))
                .ignore(none());
        List<String> apis = new ArrayList<>();
        for (TypeInstrumentation ti : all()) {
            Class<?> type = load(ti.typeName());
            if (type == null) {
                if (ti.optional()) {
                    continue;
                }
                Unsupported.report(ti.typeName() + " is not present; " + ti.api() + " connections are not observed",
                        null);
                continue;
            }
            List<Object> missing = new ArrayList<>(
                    ti.requiredMethods().stream().filter(m -> !m.isDeclaredBy(type)).toList());
            ti.requiredFields().stream().filter(f -> !declaresField(type, f)).forEach(missing::add);
            if (!missing.isEmpty()) {
                Unsupported.report(ti.typeName() + " lacks " + missing + "; " + ti.api()
                        + " connections are not observed", null);
                continue;
            }
            if (ti.inspector() != null) {
                tracker.registerInspector(ti.api(), ti.inspector());
            }
            if (ti.tlsInspector() != null) {
                tracker.registerTlsInspector(ti.tlsInspector());
            }
            builder = builder.type(named(ti.typeName()))
                    .transform((b, typeDescription, classLoader, module, domain) -> b.visit(ti.advice()));
            if (!apis.contains(ti.api())) {
                apis.add(ti.api());
            }
        }
        if (!apis.isEmpty()) {
            builder.installOn(inst);
        }
        return apis;
    }

    private static boolean declaresField(Class<?> type, String name) {
        try {
            type.getDeclaredField(name);
            return true;
        } catch (NoSuchFieldException e) {
            return false;
        }
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, null);
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    /** Reports a failed transformation once; the class stays as the JDK made it. */
    private static final class FailureListener extends AgentBuilder.Listener.Adapter {
        private final boolean debug;

        FailureListener(boolean debug) {
            this.debug = debug;
        }

        @Override
        public void onError(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded,
                            Throwable throwable) {
            Unsupported.report("instrumenting " + typeName + " failed", throwable);
        }

        @Override
        public void onTransformation(TypeDescription typeDescription, ClassLoader classLoader, JavaModule module,
                                     boolean loaded, DynamicType dynamicType) {
            if (debug) {
                System.err.println("sockwatch: instrumented " + typeDescription.getName()
                        + (loaded ? " (retransformed)" : ""));
            }
        }
    }
}
