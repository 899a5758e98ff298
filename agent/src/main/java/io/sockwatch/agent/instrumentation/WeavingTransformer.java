package io.sockwatch.agent.instrumentation;

import io.sockwatch.agent.tracker.ConnectionTracker;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The one transformer sockwatch installs. It knows its target classes by name alone (a relocatable one also under any
 * package prefix, in any class loader), gives each the woven class file the cache holds for it, and only for a class
 * the cache does not hold brings in Byte Buddy to weave it (and stores the result). Every other class costs a map
 * lookup and a few suffix comparisons.
 */
final class WeavingTransformer implements ClassFileTransformer {

    private record Target(SocketModule module, TypeInstrumentation type) {
    }

    private final Map<String, Target> byName = new HashMap<>();
    /** Relocatable targets, by the end of their internal name ({@code /io/netty/channel/unix/Socket}). */
    private final Map<String, Target> bySuffix = new HashMap<>();
    private final WovenClassCache cache;
    private final Supplier<ClassFileTransformer> byteBuddy;
    private final ConnectionTracker tracker;
    private final boolean debug;
    private volatile ClassFileTransformer weaver;
    /** Every target class this transformer was given, by name and loader: what a late scan need not redo. */
    private final Set<String> given = ConcurrentHashMap.newKeySet();

    /**
     * @param cache     null: every class is woven by Byte Buddy
     * @param byteBuddy makes Byte Buddy's transformer, on the first class the cache does not hold
     */
    WeavingTransformer(List<SocketModule> modules, WovenClassCache cache, Supplier<ClassFileTransformer> byteBuddy,
                       ConnectionTracker tracker, boolean debug) {
        for (SocketModule module : modules) {
            for (TypeInstrumentation type : module.types()) {
                String internal = type.typeName().replace('.', '/');
                byName.put(internal, new Target(module, type));
                if (type.relocatable()) {
                    bySuffix.put("/" + internal, new Target(module, type));
                }
            }
        }
        this.cache = cache;
        this.byteBuddy = byteBuddy;
        this.tracker = tracker;
        this.debug = debug;
    }

    /**
     * Whether {@code loaded} is a target class this transformer was never given: one whose loading began before the
     * transformer was installed and ended after the loaded classes were listed.
     */
    boolean missed(Class<?> loaded) {
        return targets(loaded.getName())
                && !given.contains(givenKey(loaded.getName().replace('.', '/'), loaded.getClassLoader()));
    }

    private static String givenKey(String internalName, ClassLoader loader) {
        return internalName + "@" + (loader == null ? 0 : System.identityHashCode(loader));
    }

    /** Whether the class of this binary name is one to weave. */
    boolean targets(String className) {
        return target(className.replace('.', '/')) != null;
    }

    private Target target(String internalName) {
        Target t = byName.get(internalName);
        if (t != null || bySuffix.isEmpty()) {
            return t;
        }
        for (Map.Entry<String, Target> e : bySuffix.entrySet()) {
            if (internalName.endsWith(e.getKey())) {
                return e.getValue();
            }
        }
        return null;
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> redefined,
                            ProtectionDomain domain, byte[] classFile) {
        if (className == null) {
            return null;
        }
        Target target = target(className);
        if (target == null) {
            return null;
        }
        given.add(givenKey(className, loader));
        try {
            byte[] key = null;
            if (cache != null) {
                key = cache.key(className, classFile, related(target, className, loader));
                byte[] woven = cache.load(key);
                if (woven != null) {
                    target.module().woven(target.type(), tracker);
                    if (debug) {
                        System.err.println("sockwatch: instrumented " + className.replace('/', '.')
                                + (redefined != null ? " (retransformed)" : "") + " from the cache");
                    }
                    return woven;
                }
            }
            byte[] woven = weaver().transform(module, loader, className, redefined, domain, classFile);
            if (woven != null && key != null) {
                cache.store(key, woven);
            }
            return woven;
        } catch (Throwable t) {
            Unsupported.report("instrumenting " + className.replace('/', '.') + " failed", t);
            return null;
        }
    }

    private ClassFileTransformer weaver() {
        ClassFileTransformer w = weaver;
        if (w == null) {
            synchronized (this) {
                w = weaver;
                if (w == null) {
                    w = byteBuddy.get();
                    weaver = w;
                }
            }
        }
        return w;
    }

    /**
     * The class files of the classes {@code className} stands or falls with (its module's other core classes), as
     * Byte Buddy's shape check reads them: a library's under the same prefix in the same loader, the JDK's from the
     * JDK. The cache key covers them, so that a change to any of them weaves anew.
     */
    private static List<byte[]> related(Target target, String className, ClassLoader loader) {
        List<TypeInstrumentation> core = target.module().core();
        if (core.isEmpty()) {
            return List.of();
        }
        String name = className.replace('/', '.');
        boolean fromLoader = loader != null && target.type().relocatable();
        String prefix = target.type().relocatable() ? target.type().prefixOf(name) : "";
        List<byte[]> files = new ArrayList<>(core.size());
        for (TypeInstrumentation other : core) {
            if (other == target.type()) {
                continue;
            }
            String resource = (prefix + other.typeName()).replace('.', '/') + ".class";
            files.add(WovenClassCache.readClassFile(fromLoader ? loader.getResourceAsStream(resource)
                    : ClassLoader.getSystemResourceAsStream(resource)));
        }
        return files;
    }
}
