package io.sockwatch.agent.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.none;

import io.sockwatch.agent.instrumentation.async.AsynchronousChannelModule;
import io.sockwatch.agent.instrumentation.channel.SocketChannelModule;
import io.sockwatch.agent.instrumentation.netty.NettyIoUringModule;
import io.sockwatch.agent.instrumentation.netty.NettyNativeModule;
import io.sockwatch.agent.instrumentation.socket.NioSocketModule;
import io.sockwatch.agent.instrumentation.socket.PlainSocketModule;
import io.sockwatch.agent.instrumentation.tls.TlsModule;
import io.sockwatch.agent.tracker.ConnectionTracker;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.JavaModule;

/**
 * Installs every {@link SocketModule}: registers how the tracker reads its sockets, then weaves the advice into each
 * of its classes that exists and looks as expected, retransforming classes that are already loaded. What is missing
 * or different is reported once and left alone.
 */
public final class AgentInstaller {

    private static final String NEXUS_DISABLED = "net.bytebuddy.nexus.disabled";

    /** The JDK's class files, read without loading the classes. */
    private static final TypePool JDK_CLASS_FILES =
            TypePool.Default.of(ClassFileLocator.ForClassLoader.of(ClassLoader.getSystemClassLoader()));

    private AgentInstaller() {
    }

    /** Every socket API sockwatch observes, in the order the debug line names them. */
    static List<SocketModule> modules() {
        return List.of(new NioSocketModule(), new SocketChannelModule(), new PlainSocketModule(), new TlsModule(),
                new AsynchronousChannelModule(), new NettyNativeModule(), new NettyIoUringModule());
    }

    /** Installs the modules and returns the {@code socket.api} values now observed. */
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
        List<SocketModule> modules = modules();
        register(modules, tracker);
        List<String> apis = new ArrayList<>();
        for (SocketModule module : modules) {
            for (TypeInstrumentation type : module.types()) {
                // Classes not loaded yet are instrumented when the JDK loads them; their shape is checked then, from
                // the class file, so that starting the agent loads none of them.
                builder = builder.type(type.typeMatcher())
                        .transform((b, description, classLoader, javaModule, domain) ->
                                weave(b, module, type, description, classLoader, tracker));
            }
            if (!module.isOptional() || module.isPresent()) {
                apis.add(module.api());
            }
        }
        if (!apis.isEmpty()) {
            builder.installOn(inst);
        }
        return apis;
    }

    /** Registers every module's inspectors (and the rest of what it reports through) with the tracker. */
    static void register(List<SocketModule> modules, ConnectionTracker tracker) {
        for (SocketModule module : modules) {
            module.register(tracker);
        }
    }

    private static DynamicType.Builder<?> weave(DynamicType.Builder<?> builder, SocketModule module,
                                                TypeInstrumentation type, TypeDescription description,
                                                ClassLoader loader, ConnectionTracker tracker) {
        List<String> missing = missing(module, type, description, loader);
        if (!missing.isEmpty()) {
            Unsupported.report(description.getName() + " lacks " + missing + "; " + module.api()
                    + " connections are not observed there", null);
            return builder;
        }
        module.woven(type, tracker);
        return builder.visit(type.advice(module.api()));
    }

    /**
     * What keeps {@code type} from being instrumented: what its class lacks, and what the module's other core
     * classes lack. Those are read from their class files: loading them from inside a transformation would keep them
     * from being instrumented themselves. A library's core classes are looked for in the class loader of
     * {@code type}, under the same package prefix (a shaded copy's core classes are shaded alike).
     */
    static List<String> missing(SocketModule module, TypeInstrumentation type, TypeDescription description) {
        return missing(module, type, description, null);
    }

    static List<String> missing(SocketModule module, TypeInstrumentation type, TypeDescription description,
                                ClassLoader loader) {
        List<String> missing = type.missingFrom(description);
        TypePool classFiles = loader == null || !type.relocatable() ? JDK_CLASS_FILES
                : TypePool.Default.of(ClassFileLocator.ForClassLoader.of(loader));
        String prefix = type.relocatable() ? type.prefixOf(description.getName()) : "";
        for (TypeInstrumentation core : module.core()) {
            if (core == type) {
                continue;
            }
            String coreName = prefix + core.typeName();
            TypePool.Resolution resolution = classFiles.describe(coreName);
            if (!resolution.isResolved()) {
                missing.add("class " + coreName);
                continue;
            }
            for (String m : core.missingFrom(resolution.resolve())) {
                missing.add(coreName + "." + m);
            }
        }
        return missing;
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
