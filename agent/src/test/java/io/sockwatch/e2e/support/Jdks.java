package io.sockwatch.e2e.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicNode;

/** The JDKs the integration tests run on: the build JDK plus {@code -Dsockwatch.it.jdks=/home/a,/home/b}. */
public final class Jdks {

    private Jdks() {
    }

    public static List<Path> all() {
        List<Path> jdks = new ArrayList<>();
        jdks.add(Path.of(System.getProperty("java.home")));
        for (String entry : System.getProperty("sockwatch.it.jdks", "").split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            Path home = Path.of(entry.trim());
            if (!Files.isExecutable(home.resolve("bin/java"))) {
                throw new IllegalArgumentException("-Dsockwatch.it.jdks names " + home + ", which has no bin/java");
            }
            if (!jdks.contains(home)) {
                jdks.add(home);
            }
        }
        return jdks;
    }

    /** What a test factory makes of one JDK. */
    @FunctionalInterface
    public interface PerJdk {
        List<? extends DynamicNode> tests(Path jdk, int version) throws Exception;
    }

    /** The tests {@code perJdk} makes of each JDK, in order. */
    public static List<DynamicNode> each(PerJdk perJdk) throws Exception {
        List<DynamicNode> nodes = new ArrayList<>();
        for (Path jdk : all()) {
            nodes.addAll(perJdk.tests(jdk, version(jdk)));
        }
        return nodes;
    }

    /**
     * The feature version of the JDK at {@code home}, from its release file. A JDK whose version cannot be read stops
     * the run, named: guessing would label it wrongly and choose the wrong paths for it (usePlainSocketImpl).
     */
    public static int version(Path home) {
        Path release = home.resolve("release");
        List<String> lines;
        try {
            lines = Files.readAllLines(release);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the version of the JDK at " + home + ": " + e, e);
        }
        for (String line : lines) {
            if (line.startsWith("JAVA_VERSION=")) {
                String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                try {
                    return Integer.parseInt(v.split("[.+-]")[0]);
                } catch (NumberFormatException e) {
                    throw new IllegalStateException("the JDK at " + home + " has an unreadable " + line + " in "
                            + release, e);
                }
            }
        }
        throw new IllegalStateException("the JDK at " + home + " has no JAVA_VERSION in " + release);
    }
}
