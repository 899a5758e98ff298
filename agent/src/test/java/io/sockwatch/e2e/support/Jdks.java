package io.sockwatch.e2e.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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

    /** The feature version of the JDK at {@code home}, from its release file. */
    public static int version(Path home) {
        try {
            for (String line : Files.readAllLines(home.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    return Integer.parseInt(v.split("[.+-]")[0]);
                }
            }
        } catch (Exception e) {
            // fall through
        }
        return Runtime.version().feature();
    }
}
