package io.sockwatch.agent.instrumentation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockwatch.agent.tracker.ConnectionTracker;
import java.lang.instrument.ClassFileTransformer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The transformer sockwatch installs: which classes it takes, and when it needs Byte Buddy. */
class WeavingTransformerTest {

    static final class Target {
    }

    private static final byte[] ORIGINAL = "original".getBytes(StandardCharsets.UTF_8);
    private static final byte[] WOVEN = "woven by the weaver".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path tmp;

    /** A module of one class, counting how often it was told its class was woven. */
    private static final class CountingModule extends SocketModule {
        int woven;

        CountingModule(TypeInstrumentation type) {
            super("test.api", type);
        }

        @Override
        protected void register(ConnectionTracker tracker) {
        }

        @Override
        protected void woven(TypeInstrumentation type, ConnectionTracker tracker) {
            woven++;
        }
    }

    /** Stands in for Byte Buddy: weaves every class it is given into {@link #WOVEN}, and counts. */
    private static final class CountingWeaver implements ClassFileTransformer {
        final List<String> given = new ArrayList<>();

        @Override
        public byte[] transform(Module module, ClassLoader loader, String className, Class<?> redefined,
                                ProtectionDomain domain, byte[] classFile) {
            given.add(className);
            return WOVEN;
        }
    }

    @Test
    void targetsAreKnownByNameAndNettysUnderAnyPrefix() {
        WeavingTransformer t = new WeavingTransformer(AgentInstaller.modules(), null, CountingWeaver::new, null,
                false);
        for (String name : List.of("java.net.Socket", "sun.nio.ch.NioSocketImpl", "sun.nio.ch.SocketChannelImpl",
                "io.netty.channel.unix.Socket", "io.grpc.netty.shaded.io.netty.channel.unix.Socket",
                "com.example.relocated.io.netty.channel.unix.FileDescriptor")) {
            assertTrue(t.targets(name), name);
        }
        for (String name : List.of("java.net.ServerSocket", "java.lang.Object", "sun.nio.ch.SocketChannelImplX",
                "com.example.sun.nio.ch.NioSocketImpl", "com.example.netty.channel.unix.Socket",
                "com.example.io.netty.channel.unix.Socket2")) {
            assertFalse(t.targets(name), name);
        }
    }

    @Test
    void byteBuddyIsBroughtInOnlyForAClassTheCacheDoesNotHold() {
        CountingModule module = new CountingModule(TypeInstrumentation.of(Target.class.getName()));
        WovenClassCache cache = WovenClassCache.open(tmp.resolve("cache"), "context",
                System.getProperty("user.name"), line -> { }, line -> { });
        CountingWeaver weaver = new CountingWeaver();
        int[] made = new int[1];
        String name = Target.class.getName().replace('.', '/');
        ClassLoader loader = Target.class.getClassLoader();

        WeavingTransformer first = new WeavingTransformer(List.of(module), cache, () -> {
            made[0]++;
            return weaver;
        }, null, false);
        assertNull(first.transform(null, loader, "some/Other", null, null, ORIGINAL), "not a target");
        assertEquals(0, made[0], "Byte Buddy is not made for classes that are not targets");
        assertArrayEquals(WOVEN, first.transform(null, loader, name, null, null, ORIGINAL));
        assertEquals(1, made[0]);
        assertEquals(List.of(name), weaver.given);

        // The next JVM: the same class file comes from the cache, and Byte Buddy is never made.
        WeavingTransformer next = new WeavingTransformer(List.of(module), cache, () -> {
            made[0]++;
            return weaver;
        }, null, false);
        assertArrayEquals(WOVEN, next.transform(null, loader, name, null, null, ORIGINAL));
        assertEquals(1, made[0]);
        assertEquals(1, module.woven, "the module hears of a class woven from the cache (Byte Buddy's weaving "
                + "tells it itself)");

        // Another class file under the same name (another JDK build, say) is woven again.
        byte[] other = "other original".getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(WOVEN, next.transform(null, loader, name, null, null, other));
        assertEquals(2, made[0]);
        assertEquals(List.of(name, name), weaver.given);
    }

    @Test
    void aLoadedTargetNeverGivenToTheTransformerIsMissed() {
        CountingModule module = new CountingModule(TypeInstrumentation.of(Target.class.getName()));
        WeavingTransformer t = new WeavingTransformer(List.of(module), null, CountingWeaver::new, null, false);
        assertTrue(t.missed(Target.class));
        assertFalse(t.missed(Object.class), "not a target");
        t.transform(null, new ClassLoader(null) { }, Target.class.getName().replace('.', '/'), null, null, ORIGINAL);
        assertTrue(t.missed(Target.class), "given in another loader: still missed in its own");
        t.transform(null, Target.class.getClassLoader(), Target.class.getName().replace('.', '/'), Target.class,
                null, ORIGINAL);
        assertFalse(t.missed(Target.class));
    }
}
