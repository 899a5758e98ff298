package io.sockwatch.agent;

import io.sockwatch.agent.config.SockwatchConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.ProtectionDomain;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;

/** Starts the agent: reads the configuration, then puts the bridge where the JDK can see it. */
final class AgentStartup {

    private static final String BOOTSTRAP_JAR = "sockwatch/bootstrap.jar";
    private static final String BRIDGE = "io.sockwatch.bootstrap.SocketBridge";

    private AgentStartup() {
    }

    /** @param attached started in a running JVM (agentmain): sockets opened before are found mid-life */
    static void start(String args, Instrumentation inst, boolean attached) throws Exception {
        SockwatchConfig config = SockwatchConfig.load(args, System.getProperties(), System.getenv(),
                System.err::println);
        if (!config.enabled()) {
            if (config.debug()) {
                System.err.println("sockwatch: disabled by sockwatch.enabled=false; nothing is instrumented");
            }
            return;
        }
        String version = version();
        Class<?> bridge = injectBridge(inst);
        openJdkPackages(inst, bridge.getModule());

        // Only now may classes that name the bridge types be loaded: they resolve through the bootstrap loader.
        AgentWiring.wire(config, inst, version, attached);
    }

    /**
     * Defines the bridge classes in the bootstrap loader, where the JDK's socket classes can see them. They are
     * stored in the agent jar as a nested jar, so that no other loader can define a second copy.
     *
     * <p>Defining them directly keeps the JVM's class data sharing intact; appending a jar to the bootstrap class
     * path would disable it for every non-boot class (and make the JVM print a warning), so that is only the
     * fallback when the JDK refuses the direct way.
     */
    private static Class<?> injectBridge(Instrumentation inst) throws Exception {
        byte[] jar;
        try (InputStream in = AgentStartup.class.getClassLoader().getResourceAsStream(BOOTSTRAP_JAR)) {
            if (in == null) {
                throw new IOException(BOOTSTRAP_JAR + " is missing from the agent jar");
            }
            jar = in.readAllBytes();
        }
        try {
            defineInBootLoader(inst, jar);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            Path file = Files.createTempFile("sockwatch-bootstrap-", ".jar");
            file.toFile().deleteOnExit();
            Files.write(file, jar);
            inst.appendToBootstrapClassLoaderSearch(new JarFile(file.toFile()));
        }
        Class<?> bridge = Class.forName(BRIDGE, true, null);
        if (bridge.getClassLoader() != null) {
            throw new IllegalStateException(BRIDGE + " was not loaded by the bootstrap loader");
        }
        return bridge;
    }

    private static void defineInBootLoader(Instrumentation inst, byte[] jar) throws Exception {
        Map<String, byte[]> classes = new LinkedHashMap<>();
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar))) {
            for (JarEntry e; (e = in.getNextJarEntry()) != null; ) {
                if (e.getName().endsWith(".class")) {
                    classes.put(e.getName().replace('/', '.').substring(0, e.getName().length() - 6),
                            in.readAllBytes());
                }
            }
        }
        Module javaBase = Object.class.getModule();
        inst.redefineModule(javaBase, Set.of(), Map.of("jdk.internal.misc", Set.of(AgentStartup.class.getModule())),
                Map.of(), Set.of(), Map.of());
        Class<?> unsafeType = Class.forName("jdk.internal.misc.Unsafe");
        Object unsafe = unsafeType.getMethod("getUnsafe").invoke(null);
        Method define = unsafeType.getMethod("defineClass", String.class, byte[].class, int.class, int.class,
                ClassLoader.class, ProtectionDomain.class);
        // A class can be defined only after the interfaces it implements, whatever the order in the jar: each pass
        // defines what it can, until one defines nothing.
        for (int before = -1; !classes.isEmpty() && classes.size() != before; ) {
            before = classes.size();
            for (Iterator<Map.Entry<String, byte[]>> it = classes.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, byte[]> c = it.next();
                if (isDefined(c.getKey()) || defined(define, unsafe, c.getKey(), c.getValue())) {
                    it.remove();
                }
            }
        }
        if (!classes.isEmpty()) {
            throw new IllegalStateException("cannot define " + classes.keySet() + " in the bootstrap loader");
        }
    }

    /** Already defined: a second agent start in the same JVM. */
    private static boolean isDefined(String name) {
        try {
            Class.forName(name, false, null);
            return true;
        } catch (ClassNotFoundException notYet) {
            return false;
        }
    }

    /** False when a supertype is not defined yet. */
    private static boolean defined(Method define, Object unsafe, String name, byte[] bytes) throws Exception {
        try {
            define.invoke(unsafe, name, bytes, 0, bytes.length, null, null);
            return true;
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof NoClassDefFoundError) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Lets java.base link against the bridge (it lives in the bootstrap loader's unnamed module), and lets the
     * agent read the socket fields it reports (address, port, threads blocked in I/O).
     */
    private static void openJdkPackages(Instrumentation inst, Module bridgeModule) {
        Module javaBase = Object.class.getModule();
        Module agent = AgentStartup.class.getModule();
        inst.redefineModule(javaBase, Set.of(bridgeModule), Map.of(),
                Map.of("java.net", Set.of(agent), "sun.nio.ch", Set.of(agent), "java.nio.channels.spi", Set.of(agent),
                        "sun.security.ssl", Set.of(agent)), Set.of(), Map.of());
    }

    private static String version() {
        String v = AgentStartup.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
