package io.sockwatch.agent.instrumentation;

import static io.sockwatch.agent.instrumentation.AdvisedMethod.advise;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import org.junit.jupiter.api.Test;

/**
 * One advice class woven into several methods, each row binding its own value and the module's API. Public, as is
 * everything the advice touches: the woven class is loaded by another loader, in another runtime package.
 */
public class RowValueTest {

    /** Stands for a JDK class whose methods complete different operations. */
    public static final class Target {
        public void connect() {
        }

        public void read() {
        }

        public void close() {
        }
    }

    public static final List<String> SEEN = new ArrayList<>();

    public static final class Announce {
        @Advice.OnMethodEnter
        public static void enter(@RowValue int value, @ModuleApi String api) {
            SEEN.add(api + ":" + value);
        }
    }

    @Test
    void eachRowBindsItsOwnValueIntoTheSharedAdvice() throws Exception {
        TypeInstrumentation type = TypeInstrumentation.of(Target.class.getName(),
                advise(Announce.class, "connect").with(1),
                advise(Announce.class, "read").with(2),
                advise(Announce.class, "close"));
        Class<?> woven = new ByteBuddy().redefine(Target.class).visit(RowMatchers.advice(type, "test.api")).make()
                .load(new ClassLoader(getClass().getClassLoader()) { }, ClassLoadingStrategy.Default.CHILD_FIRST)
                .getLoaded();
        Object target = woven.getConstructor().newInstance();
        SEEN.clear();
        woven.getMethod("connect").invoke(target);
        woven.getMethod("read").invoke(target);
        woven.getMethod("close").invoke(target);
        assertEquals(List.of("test.api:1", "test.api:2", "test.api:0"), SEEN);
    }
}
