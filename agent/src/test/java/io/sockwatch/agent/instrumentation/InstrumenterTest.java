package io.sockwatch.agent.instrumentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockwatch.agent.tracker.SocketInspector;
import java.util.List;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.pool.TypePool;
import org.junit.jupiter.api.Test;

/** The shape checks the Instrumenter makes before touching a JDK class, run against the JDK of the build. */
class InstrumenterTest {

    private static final TypePool JDK = TypePool.Default.of(ClassFileLocator.ForClassLoader.ofSystemLoader());

    @Test
    void everyNonOptionalClassOfThisJdkIsAsExpected() {
        for (TypeInstrumentation ti : Instrumenter.all()) {
            TypePool.Resolution type = JDK.describe(ti.typeName());
            if (ti.optional() && !type.isResolved()) {
                continue;
            }
            assertTrue(type.isResolved(), ti.typeName());
            assertEquals(List.of(), Instrumenter.missing(ti, type.resolve()), ti.typeName());
            assertEquals(List.of(), Instrumenter.missingCompanions(ti), ti.typeName());
        }
    }

    @Test
    void theAsynchronousChannelClassesStandOrFallTogether() {
        List<String> group = List.of("sun.nio.ch.UnixAsynchronousSocketChannelImpl",
                "sun.nio.ch.AsynchronousSocketChannelImpl", "sun.nio.ch.Invoker", "sun.nio.ch.PendingFuture",
                "sun.nio.ch.CompletedFuture");
        for (TypeInstrumentation ti : Instrumenter.all()) {
            if (group.contains(ti.typeName())) {
                assertEquals(group.stream().filter(c -> !c.equals(ti.typeName())).sorted().toList(),
                        ti.companions().stream().sorted().toList(), ti.typeName());
            }
            if (ti.typeName().equals("sun.nio.ch.UnixAsynchronousServerSocketChannelImpl")) {
                assertEquals(group.stream().sorted().toList(), ti.companions().stream().sorted().toList());
            }
        }
    }

    @Test
    void aMissingCompanionIsReported() {
        assertEquals(List.of("class sun.nio.ch.NoSuchClass"),
                Instrumenter.missingCompanions(withCompanions("sun.nio.ch.NoSuchClass")));
        assertEquals(List.of(), Instrumenter.missingCompanions(withCompanions("sun.nio.ch.Invoker")));
    }

    @Test
    void aCompanionThatIsNotInstrumentedCannotBeChecked() {
        // Only classes sockwatch instruments have a declared shape; anything else is a mistake in the list.
        assertEquals(List.of("class java.lang.String"),
                Instrumenter.missingCompanions(withCompanions("java.lang.String")));
    }

    private static TypeInstrumentation withCompanions(String... names) {
        return new TypeInstrumentation() {
            @Override
            public String typeName() {
                return "test.Type";
            }

            @Override
            public String api() {
                return "test";
            }

            @Override
            public List<MethodSignature> requiredMethods() {
                return List.of();
            }

            @Override
            public List<String> companions() {
                return List.of(names);
            }

            @Override
            public AsmVisitorWrapper advice() {
                return AsmVisitorWrapper.NoOp.INSTANCE;
            }

            @Override
            public SocketInspector inspector() {
                return null;
            }
        };
    }
}
