package io.sockwatch.agent.classify;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The classifier is plain Java over JDK exceptions: no class of it names Byte Buddy, OpenTelemetry, the bridge or
 * another layer of the agent, so that it can be read, tested and changed alone. Read from the compiled classes,
 * whose constant pools name every type they use.
 */
class ClassifierIsPureTest {

    private static final List<String> OTHER_LAYERS = List.of("net/bytebuddy/", "io/opentelemetry/",
            "io/sockwatch/bootstrap/", "io/sockwatch/agent/tracker/", "io/sockwatch/agent/export/",
            "io/sockwatch/agent/instrumentation/", "io/sockwatch/agent/config/");

    @Test
    void noClassOfTheClassifierNamesAnotherLayer() throws Exception {
        Path dir = Path.of(FailureTable.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve("io/sockwatch/agent/classify");
        List<Path> classes;
        try (Stream<Path> files = Files.list(dir)) {
            classes = files.filter(p -> p.toString().endsWith(".class")).toList();
        }
        assertTrue(classes.size() >= 6, "classifier classes not found in " + dir);
        for (Path c : classes) {
            String constants = new String(Files.readAllBytes(c), StandardCharsets.ISO_8859_1);
            for (String layer : OTHER_LAYERS) {
                assertFalse(constants.contains(layer), c.getFileName() + " names " + layer);
            }
        }
    }
}
