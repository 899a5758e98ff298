package io.sockwatch.it.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The JDKs the integration tests run on: the JDK running the tests ({@code java.home}) plus every entry of
 * {@code -Dsockwatch.it.jdks=/home/a,/home/b} (trimmed, blanks skipped, duplicates once). An entry that is not a
 * JDK home fails the tests that use it, with a message naming it: a typo must not quietly test less.
 */
public final class Jdks {

    /** A JDK home, named by its version and location (the display name of parameterized tests). */
    public record Jdk(Path home, String version) {
        public int feature() {
            try {
                return Integer.parseInt(version.split("[.+-]")[0]);
            } catch (NumberFormatException e) {
                return -1;
            }
        }

        @Override
        public String toString() {
            return "JDK " + version + " (" + home + ")";
        }
    }

    private Jdks() {
    }

    /** The JDK homes to test on. */
    public static List<Path> all() {
        return parse(System.getProperty("java.home"), System.getProperty("sockwatch.it.jdks", ""));
    }

    /** The same, named: use as a {@code @MethodSource}. */
    public static List<Jdk> named() {
        return all().stream().map(home -> new Jdk(home, fullVersion(home))).toList();
    }

    static List<Path> parse(String currentHome, String extra) {
        List<Path> jdks = new ArrayList<>();
        jdks.add(Path.of(currentHome).toAbsolutePath().normalize());
        for (String entry : extra == null ? new String[0] : extra.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            Path home = Path.of(entry.trim()).toAbsolutePath().normalize();
            if (!Files.exists(home)) {
                throw new IllegalArgumentException("-Dsockwatch.it.jdks lists " + home
                        + ", which does not exist (expected a JDK home, comma-separated list)");
            }
            if (!Files.isExecutable(home.resolve("bin").resolve("java"))) {
                throw new IllegalArgumentException("-Dsockwatch.it.jdks lists " + home
                        + ", which has no executable bin/java: not a JDK home");
            }
            if (!contains(jdks, home)) {
                jdks.add(home);
            }
        }
        return List.copyOf(jdks);
    }

    private static boolean contains(List<Path> jdks, Path home) {
        for (Path p : jdks) {
            try {
                if (p.equals(home) || Files.isSameFile(p, home)) {
                    return true;
                }
            } catch (IOException e) {
                // not the same
            }
        }
        return false;
    }

    /** The feature version of the JDK at {@code home}, from its release file. */
    public static int version(Path home) {
        return new Jdk(home, fullVersion(home)).feature();
    }

    /** {@code JAVA_VERSION} from the JDK's release file, or the running JDK's version for the running JDK. */
    static String fullVersion(Path home) {
        try {
            for (String line : Files.readAllLines(home.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    return line.substring("JAVA_VERSION=".length()).replace("\"", "").trim();
                }
            }
        } catch (IOException e) {
            // fall through
        }
        if (home.equals(Path.of(System.getProperty("java.home")).toAbsolutePath().normalize())) {
            return Runtime.version().toString();
        }
        return "unknown";
    }
}
