package io.sockwatch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockwatch.e2e.support.AgentJvm;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the agent jar holds. The jar is on the application's class path: a class or resource outside
 * {@code io/sockwatch/} could shadow or clash with the application's own copy of a library.
 */
class AgentJarIT {

    private static final String SHADED = "io.sockwatch.shaded.";
    private static final Pattern VERSIONED = Pattern.compile("META-INF/versions/(\\d+)/(.+)");
    /** Legal texts and the manifest: they name no package. */
    private static final Pattern METADATA =
            Pattern.compile("META-INF/(MANIFEST\\.MF|LICENSE|NOTICE|[^/]+-LICENSE|licenses/[^/]+)");

    private static JarFile jar;
    private static URLClassLoader loader;

    @BeforeAll
    static void open() throws IOException {
        jar = new JarFile(AgentJvm.agentJar().toFile());
        // Only the jar and the JDK, as the agent sees its classes (a multi-release aware loader, like the app's).
        loader = new URLClassLoader(new URL[] {AgentJvm.agentJar().toUri().toURL()},
                ClassLoader.getPlatformClassLoader());
    }

    @AfterAll
    static void close() throws IOException {
        loader.close();
        jar.close();
    }

    /** The name a class or resource has at run time: versioned entries stand for their base path. */
    private static String logical(String entry) {
        Matcher m = VERSIONED.matcher(entry);
        return m.matches() ? m.group(2) : entry;
    }

    private static List<String> files() {
        return Collections.list(jar.entries()).stream().filter(e -> !e.isDirectory()).map(JarEntry::getName).toList();
    }

    @Test
    void everyClassAndResourceIsUnderIoSockwatch() {
        List<String> outside = files().stream()
                .filter(name -> !logical(name).startsWith("io/sockwatch/"))
                .filter(name -> !METADATA.matcher(name).matches())
                .filter(name -> !name.startsWith("META-INF/services/io.sockwatch."))
                .filter(name -> !name.equals("sockwatch/bootstrap.jar"))
                .toList();
        assertEquals(List.of(), outside, "not relocated under io/sockwatch/ (add a relocation or a shade filter)");
    }

    @Test
    void theBootstrapJarHoldsOnlyTheBridge() throws IOException {
        List<String> outside = new ArrayList<>();
        try (InputStream in = jar.getInputStream(jar.getEntry("sockwatch/bootstrap.jar"));
             JarInputStream nested = new JarInputStream(in)) {
            for (JarEntry e = nested.getNextJarEntry(); e != null; e = nested.getNextJarEntry()) {
                if (!e.isDirectory() && !e.getName().startsWith("io/sockwatch/bootstrap/")) {
                    outside.add(e.getName());
                }
            }
        }
        assertEquals(List.of(), outside);
    }

    @Test
    void everyServiceFileNamesRelocatedClassesThatExist() throws IOException {
        List<String> problems = new ArrayList<>();
        for (String name : files()) {
            if (!name.startsWith("META-INF/services/")) {
                continue;
            }
            String service = name.substring("META-INF/services/".length());
            if (jar.getEntry(service.replace('.', '/') + ".class") == null) {
                problems.add(name + ": no class " + service + " in the jar");
            }
            for (String provider : providers(service)) {
                if (!provider.startsWith(SHADED) || jar.getEntry(provider.replace('.', '/') + ".class") == null) {
                    problems.add(name + ": provider " + provider + " is not a relocated class in the jar");
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void okHttpIsTheOnlySender() throws IOException {
        // Two HTTP senders would make the SDK pick one and warn; the JDK HttpClient's would delay the JVM's exit.
        assertEquals(List.of(SHADED + "io.opentelemetry.exporter.sender.okhttp.internal.OkHttpHttpSenderProvider"),
                providers(SHADED + "io.opentelemetry.sdk.common.export.HttpSenderProvider"));
        assertEquals(List.of(SHADED + "io.opentelemetry.exporter.sender.okhttp.internal.OkHttpGrpcSenderProvider"),
                providers(SHADED + "io.opentelemetry.sdk.common.export.GrpcSenderProvider"));
    }

    @Test
    void versionedClassesLoadUnderTheirRelocatedNames() throws Exception {
        // Checks the versions this JVM reads; the others are checked by name in everyClassAndResourceIsUnderIoSockwatch.
        int feature = Runtime.version().feature();
        List<String> checked = new ArrayList<>();
        for (String name : files()) {
            Matcher m = VERSIONED.matcher(name);
            if (m.matches() && name.endsWith(".class") && Integer.parseInt(m.group(1)) <= feature) {
                String className = m.group(2).replace('/', '.').substring(0, m.group(2).length() - ".class".length());
                assertEquals(className, Class.forName(className, false, loader).getName());
                checked.add(className);
            }
        }
        assertTrue(!checked.isEmpty(), "the jar has versioned classes for JDK " + feature + " (OpenTelemetry, Jackson)");
    }

    @Test
    void relocatedOkHttpFindsItsPublicSuffixList() throws Exception {
        // OkHttp reads this resource by a path that relocation rewrote; a miss throws here, not in a user's export.
        Class<?> httpUrl = Class.forName(SHADED + "okhttp3.HttpUrl", true, loader);
        Object url = httpUrl.getMethod("get", String.class).invoke(null, "https://collector.example.co.uk:4317/");
        assertEquals("example.co.uk", httpUrl.getMethod("topPrivateDomain").invoke(url));
    }

    private static List<String> providers(String service) throws IOException {
        JarEntry entry = jar.getJarEntry("META-INF/services/" + service);
        if (entry == null) {
            return List.of();
        }
        try (InputStream in = jar.getInputStream(entry)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .map(l -> l.replaceAll("#.*", "").trim()).filter(l -> !l.isEmpty()).toList();
        }
    }
}
