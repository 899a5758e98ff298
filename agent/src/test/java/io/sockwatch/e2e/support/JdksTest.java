package io.sockwatch.e2e.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ITs label each JDK by its version and choose paths by it: a JDK whose version is unknown must stop them. */
class JdksTest {

    @TempDir
    Path home;

    @Test
    void theVersionComesFromTheReleaseFile() throws Exception {
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Eclipse Adoptium\"\nJAVA_VERSION=\"25.0.1\"\n");
        assertEquals(25, Jdks.version(home));
        Files.writeString(home.resolve("release"), "JAVA_VERSION=\"17\"\n");
        assertEquals(17, Jdks.version(home));
    }

    @Test
    void theBuildJdksVersionIsItsRuntimeVersion() {
        assertEquals(Runtime.version().feature(), Jdks.version(Path.of(System.getProperty("java.home"))));
    }

    @Test
    void aJdkWithoutReleaseFileIsNamed() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Jdks.version(home));
        assertTrue(e.getMessage().contains(home.toString()), e.getMessage());
    }

    @Test
    void aReleaseFileWithoutVersionIsNamed() throws Exception {
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"someone\"\n");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Jdks.version(home));
        assertTrue(e.getMessage().contains(home.toString()), e.getMessage());
    }

    @Test
    void anUnreadableVersionIsNamed() throws Exception {
        Files.writeString(home.resolve("release"), "JAVA_VERSION=\"twenty-five\"\n");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Jdks.version(home));
        assertTrue(e.getMessage().contains(home.toString()), e.getMessage());
    }
}
