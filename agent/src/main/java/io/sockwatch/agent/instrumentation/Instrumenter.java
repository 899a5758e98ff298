package io.sockwatch.agent.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.none;

import io.sockwatch.agent.tracker.ConnectionTracker;
import io.sockwatch.agent.tracker.SocketInspector;
import io.sockwatch.agent.tracker.TlsInspector;
import io.sockwatch.bootstrap.SocketBridge;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.matcher.ElementMatcher;
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
                new TlsTransportContextInstrumentation(), new SslEngineImplInstrumentation(),
                new UnixAsynchronousSocketChannelImplInstrumentation(),
                new AsynchronousSocketChannelImplInstrumentation(),
                new UnixAsynchronousServerSocketChannelImplInstrumentation(), new InvokerInstrumentation(),
                new PendingFutureInstrumentation(), new CompletedFutureInstrumentation());
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
                .with(AgentBuilder.DescriptionStrategy.Default.POOL_ONLY)
                .with(new FailureListener(debug))
                .ignore(none());
        List<TypeInstrumentation> all = all();
        registerInspectors(all, tracker);
        SocketBridge.installAsync(new AsyncOperations(tracker));
        List<String> apis = new ArrayList<>();
        for (TypeInstrumentation ti : all) {
            // Classes not loaded yet are instrumented when the JDK loads them; their shape is checked then, from
            // the class file, so that starting the agent loads none of them.
            builder = builder.type(named(ti.typeName()))
                    .transform((b, type, classLoader, module, domain) -> {
                        List<String> missing = missing(ti, type);
                        missing.addAll(missingCompanions(ti));
                        if (!missing.isEmpty()) {
                            Unsupported.report(ti.typeName() + " lacks " + missing + "; " + ti.api()
                                    + " connections are not observed there", null);
                            return b;
                        }
                        ti.applied(tracker);
                        return b.visit(ti.advice());
                    });
            if (!apis.contains(ti.api()) && (ti.optional() ? isLoadable(ti.typeName()) : true)) {
                apis.add(ti.api());
            }
        }
        if (!apis.isEmpty()) {
            builder.installOn(inst);
        }
        return apis;
    }

    /**
     * Registers one inspector per {@code socket.api} that has one, and the TLS inspector, each from the first
     * instrumentation that provides it. Inspectors look their fields up on first use, so registering loads nothing.
     */
    static void registerInspectors(List<TypeInstrumentation> all, ConnectionTracker tracker) {
        Map<String, List<TypeInstrumentation>> byApi = new LinkedHashMap<>();
        for (TypeInstrumentation ti : all) {
            byApi.computeIfAbsent(ti.api(), api -> new ArrayList<>()).add(ti);
        }
        byApi.forEach((api, tis) -> {
            SocketInspector inspector = firstNonNull(tis, TypeInstrumentation::inspector);
            if (inspector != null) {
                tracker.registerInspector(api, inspector);
            }
        });
        TlsInspector tls = firstNonNull(all, TypeInstrumentation::tlsInspector);
        if (tls != null) {
            tracker.registerTlsInspector(tls);
        }
    }

    private static <T> T firstNonNull(List<TypeInstrumentation> tis, Function<TypeInstrumentation, T> get) {
        for (TypeInstrumentation ti : tis) {
            T value = get.apply(ti);
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    /** The required methods and fields the class file lacks, described for the report. */
    static List<String> missing(TypeInstrumentation ti, TypeDescription type) {
        List<String> missing = new ArrayList<>();
        for (MethodSignature m : ti.requiredMethods()) {
            if (type.getDeclaredMethods().filter(named(m.name()).and(takesParameters(m.parameterTypeNames()))).isEmpty()) {
                missing.add(m.toString());
            }
        }
        for (String field : ti.requiredFields()) {
            if (type.getDeclaredFields().filter(named(field)).isEmpty()) {
                missing.add("field " + field);
            }
        }
        return missing;
    }

    /**
     * What the companions of {@code ti} lack, read from their class files: loading them from inside a transformation
     * would keep them from being instrumented themselves.
     */
    static List<String> missingCompanions(TypeInstrumentation ti) {
        List<String> missing = new ArrayList<>();
        for (String name : ti.companions()) {
            TypeInstrumentation companion = all().stream().filter(c -> c.typeName().equals(name)).findFirst()
                    .orElse(null);
            TypePool.Resolution resolution = JDK_CLASS_FILES.describe(name);
            if (companion == null || !resolution.isResolved()) {
                missing.add("class " + name);
                continue;
            }
            for (String m : missing(companion, resolution.resolve())) {
                missing.add(name + "." + m);
            }
        }
        return missing;
    }

    /** The JDK's class files, read without loading the classes. */
    private static final TypePool JDK_CLASS_FILES =
            TypePool.Default.of(ClassFileLocator.ForClassLoader.of(ClassLoader.getSystemClassLoader()));

    /** Parameters of exactly these types, compared by binary name (the JDK class itself is never loaded). */
    private static ElementMatcher<MethodDescription> takesParameters(List<String> typeNames) {
        return method -> {
            List<TypeDescription> types = method.getParameters().asTypeList().asErasures();
            if (types.size() != typeNames.size()) {
                return false;
            }
            for (int i = 0; i < types.size(); i++) {
                if (!types.get(i).getName().equals(typeNames.get(i))) {
                    return false;
                }
            }
            return true;
        };
    }

    /** Whether the JDK has the class, without loading it. */
    private static boolean isLoadable(String name) {
        return ClassLoader.getSystemResource(name.replace('.', '/') + ".class") != null;
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
