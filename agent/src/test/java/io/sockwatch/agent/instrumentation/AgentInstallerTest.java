package io.sockwatch.agent.instrumentation;

import static io.sockwatch.agent.instrumentation.AdvisedMethod.advise;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockwatch.agent.tracker.ConnectionTracker;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.pool.TypePool;
import org.junit.jupiter.api.Test;

/** The shape checks the installer makes before touching a JDK class, run against the JDK of the build. */
class AgentInstallerTest {

    private static final TypePool JDK = TypePool.Default.of(ClassFileLocator.ForClassLoader.ofSystemLoader());

    @Test
    void everyClassOfThisJdkIsAsExpected() {
        for (SocketModule module : AgentInstaller.modules()) {
            for (TypeInstrumentation type : module.types()) {
                TypePool.Resolution resolution = JDK.describe(type.typeName());
                if (module.isOptional() && !resolution.isResolved()) {
                    continue;
                }
                assertTrue(resolution.isResolved(), type.typeName());
                assertEquals(List.of(), ByteBuddyWeaver.missing(module, type, resolution.resolve()), type.typeName());
            }
        }
    }

    @Test
    void eachClassIsInstrumentedByOneModuleAndEachMethodByOneRow() {
        Set<String> types = new HashSet<>();
        for (SocketModule module : AgentInstaller.modules()) {
            for (TypeInstrumentation type : module.types()) {
                assertTrue(types.add(type.typeName()), type.typeName());
                Set<String> methods = new HashSet<>();
                for (AdvisedMethod m : type.methods()) {
                    assertTrue(methods.add(m.toString()), type.typeName() + "." + m);
                }
            }
        }
    }

    @Test
    void theAsynchronousChannelClassesStandOrFallTogether() {
        List<String> group = List.of("sun.nio.ch.UnixAsynchronousSocketChannelImpl",
                "sun.nio.ch.AsynchronousSocketChannelImpl", "sun.nio.ch.Invoker", "sun.nio.ch.PendingFuture",
                "sun.nio.ch.CompletedFuture");
        SocketModule async = AgentInstaller.modules().stream()
                .filter(m -> m.api().equals("java.nio.channels.AsynchronousSocketChannel")).findFirst().orElseThrow();
        assertEquals(group, async.core().stream().map(TypeInstrumentation::typeName).toList());
        assertEquals(List.of("sun.nio.ch.UnixAsynchronousServerSocketChannelImpl"), async.types().stream()
                .map(TypeInstrumentation::typeName).filter(t -> !group.contains(t)).toList());
        for (SocketModule module : AgentInstaller.modules()) {
            if (!module.api().equals(async.api()) && !module.api().startsWith("netty.")) {
                assertEquals(List.of(), module.core(), module.api());
            }
        }
    }

    /** Netty's socket and its base class observe a connection together, under whatever prefix a library shades them. */
    @Test
    void nettysSocketClassesStandOrFallTogetherUnderAnyPrefix() {
        SocketModule netty = AgentInstaller.modules().stream().filter(m -> m.api().startsWith("netty."))
                .findFirst().orElseThrow();
        assertEquals(List.of("io.netty.channel.unix.Socket", "io.netty.channel.unix.FileDescriptor"),
                netty.core().stream().map(TypeInstrumentation::typeName).toList());
        assertTrue(netty.isOptional(), "only applications with Netty have them");
        for (TypeInstrumentation type : netty.types()) {
            assertTrue(type.relocatable(), type.typeName());
            assertFalse(RowMatchers.typeMatcher(type).matches(TypeDescription.ForLoadedType.of(Object.class)));
            assertEquals("io.grpc.netty.shaded.", type.prefixOf("io.grpc.netty.shaded." + type.typeName()));
        }
    }

    /** The Netty on the test class path (4.1.115) has every method the rows name, its core read from its loader. */
    @Test
    void nettysOwnClassesHaveTheAdvisedShape() {
        ClassLoader loader = getClass().getClassLoader();
        TypePool pool = TypePool.Default.of(ClassFileLocator.ForClassLoader.of(loader));
        SocketModule netty = AgentInstaller.modules().stream().filter(m -> m.api().startsWith("netty."))
                .findFirst().orElseThrow();
        for (TypeInstrumentation type : netty.types()) {
            assertEquals(List.of(), ByteBuddyWeaver.missing(netty, type, pool.describe(type.typeName()).resolve(),
                    loader), type.typeName());
            // grpc-netty-shaded (also on the test class path): matched, and its core found under the same prefix.
            TypeDescription shaded = pool.describe("io.grpc.netty.shaded." + type.typeName()).resolve();
            assertTrue(RowMatchers.typeMatcher(type).matches(shaded), shaded.getName());
            assertEquals(List.of(), ByteBuddyWeaver.missing(netty, type, shaded, loader), shaded.getName());
        }
        // A copy whose partner its class loader cannot find under the same prefix is left alone, named.
        TypeInstrumentation socket = netty.core().get(0);
        TypeDescription shadedSocket = pool.describe("io.grpc.netty.shaded." + socket.typeName()).resolve();
        assertEquals(List.of("class io.grpc.netty.shaded.io.netty.channel.unix.FileDescriptor"),
                ByteBuddyWeaver.missing(netty, socket, shadedSocket, new ClassLoader(null) { }));
    }

    @Test
    void aCoreClassThatDiffersLeavesTheWholeModuleAlone() {
        TypeInstrumentation gone = TypeInstrumentation.of("sun.nio.ch.NoSuchClass");
        TypeInstrumentation changed = TypeInstrumentation.of("sun.nio.ch.Invoker",
                advise(Object.class, "invokeUnchecked", "int"));
        TypeInstrumentation fine = TypeInstrumentation.of("sun.nio.ch.PendingFuture",
                advise(Object.class, "setResult", "java.lang.Object"));
        TypeInstrumentation extra = TypeInstrumentation.of("sun.nio.ch.CompletedFuture",
                advise(Object.class, "gone"));
        SocketModule module = module(List.of(gone, changed, fine), extra);

        assertEquals(List.of("class sun.nio.ch.NoSuchClass", "sun.nio.ch.Invoker.invokeUnchecked(int)"),
                ByteBuddyWeaver.missing(module, fine, JDK.describe(fine.typeName()).resolve()));
        assertEquals(List.of("gone()", "class sun.nio.ch.NoSuchClass", "sun.nio.ch.Invoker.invokeUnchecked(int)"),
                ByteBuddyWeaver.missing(module, extra, JDK.describe(extra.typeName()).resolve()));
        // The core does not stand or fall with the other classes.
        assertEquals(List.of(), ByteBuddyWeaver.missing(module(List.of(fine), extra), fine,
                JDK.describe(fine.typeName()).resolve()));
    }

    private static SocketModule module(List<TypeInstrumentation> core, TypeInstrumentation... others) {
        return new SocketModule("test", core, others) {
            @Override
            protected void register(ConnectionTracker tracker) {
            }
        };
    }
}
