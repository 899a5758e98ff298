package io.sockwatch.agent.context;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.ref.WeakReference;
import java.security.ProtectionDomain;

/**
 * Notices the class loader of the application's own OpenTelemetry API (an SDK the application configured itself)
 * when its {@code Span} class is loaded. Transforms nothing: one string comparison per loaded class. Only the first
 * such loader counts, held weakly so that an undeployed application can go.
 */
final class ApplicationApiLoaders implements ClassFileTransformer {

    private static final String SPAN = UnrelocatedNames.APPLICATION_SPAN_INTERNAL;

    private volatile WeakReference<ClassLoader> first;

    /** Watches the loads from now on, and looks once at what was loaded before (an agent attached at run time). */
    void watch(Instrumentation inst) {
        inst.addTransformer(this, false);
        for (Class<?> c : inst.getAllLoadedClasses()) {
            if (c.getName().equals(UnrelocatedNames.APPLICATION_SPAN)) {
                noticed(c.getClassLoader());
            }
        }
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] classfileBuffer) {
        if (first == null && SPAN.equals(className)) {
            noticed(loader);
        }
        return null;
    }

    private void noticed(ClassLoader loader) {
        // The Java agent's own loaders hold its API under a shaded name; an unshaded copy there is not the
        // application's.
        if (loader != null && first == null && !JavaAgentThreads.isJavaAgentLoader(loader)) {
            first = new WeakReference<>(loader);
        }
    }

    /** The application's API loader, or null while none was seen. */
    ClassLoader loader() {
        WeakReference<ClassLoader> ref = first;
        return ref == null ? null : ref.get();
    }
}
