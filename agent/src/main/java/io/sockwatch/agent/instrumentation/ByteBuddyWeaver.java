package io.sockwatch.agent.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.none;

import io.sockwatch.agent.tracker.ConnectionTracker;
import java.lang.instrument.ClassFileTransformer;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.JavaModule;

/**
 * Weaves the advice into a class with Byte Buddy: checks its shape (and that of the classes it stands or falls with),
 * then inlines the advice of each row. Only {@link WeavingTransformer} uses it, and only for a class the cache does
 * not hold, so that a start whose classes are all cached never loads Byte Buddy.
 */
final class ByteBuddyWeaver {

    private static final String NEXUS_DISABLED = "net.bytebuddy.nexus.disabled";

    private ByteBuddyWeaver() {
    }

    /** The JDK's class files, read without loading the classes. */
    private static final class JdkClassFiles {
        static final TypePool POOL =
                TypePool.Default.of(ClassFileLocator.ForClassLoader.of(ClassLoader.getSystemClassLoader()));
    }

    /** A transformer that weaves every module's classes, for {@link WeavingTransformer} to call; never installed. */
    static ClassFileTransformer transformer(List<SocketModule> modules, ConnectionTracker tracker, boolean debug) {
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
        for (SocketModule module : modules) {
            for (TypeInstrumentation type : module.types()) {
                builder = builder.type(RowMatchers.typeMatcher(type))
                        .transform((b, description, classLoader, javaModule, domain) ->
                                weave(b, module, type, description, classLoader, tracker));
            }
        }
        return builder.makeRaw();
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
        return builder.visit(RowMatchers.advice(type, module.api()));
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
        List<String> missing = RowMatchers.missingFrom(type, description);
        TypePool classFiles = loader == null || !type.relocatable() ? JdkClassFiles.POOL
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
            for (String m : RowMatchers.missingFrom(core, resolution.resolve())) {
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
                        + (loaded ? " (retransformed)" : "") + " by Byte Buddy");
            }
        }
    }
}
