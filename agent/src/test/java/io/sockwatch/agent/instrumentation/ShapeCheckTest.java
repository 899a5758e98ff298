package io.sockwatch.agent.instrumentation;

import static io.sockwatch.agent.instrumentation.AdvisedMethod.advise;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import org.junit.jupiter.api.Test;

/**
 * The shape check that decides whether a JDK class is instrumented or reported as unsupported, and the matcher that
 * places the advice: both come from the same row.
 */
class ShapeCheckTest {

    /** Stands for a JDK class: array, primitive and package-private parameter types, and an overload. */
    @SuppressWarnings("unused")
    static final class Shape {
        private boolean flag;

        int read(ByteBuffer[] dsts, int offset, int length) {
            return 0;
        }

        int read(ByteBuffer dst) {
            return 0;
        }

        void fail(Hidden alert, String message, boolean received, Throwable cause) {
        }
    }

    static final class Hidden {
    }

    private static final TypeDescription SHAPE = TypeDescription.ForLoadedType.of(Shape.class);

    @Test
    void methodsMatchByExactParameterTypeNames() {
        TypeInstrumentation ok = TypeInstrumentation.of(Shape.class.getName(),
                advise(Object.class, "read", "java.nio.ByteBuffer[]", "int", "int"),
                advise(Object.class, "fail", Hidden.class.getName(), "java.lang.String", "boolean",
                        "java.lang.Throwable"))
                .readingFields("flag");
        assertEquals(List.of(), RowMatchers.missingFrom(ok, SHAPE));

        TypeInstrumentation changed = TypeInstrumentation.of(Shape.class.getName(),
                advise(Object.class, "read", "java.nio.ByteBuffer", "int", "int"),
                advise(Object.class, "fail", "sun.security.ssl.Alert", "java.lang.String", "boolean",
                        "java.lang.Throwable"),
                advise(Object.class, "read", "java.nio.ByteBuffer[]", "int"))
                .readingFields("flag", "gone");
        assertEquals(List.of("read(ByteBuffer,int,int)", "fail(Alert,String,boolean,Throwable)",
                "read(ByteBuffer[],int)", "field gone"), RowMatchers.missingFrom(changed, SHAPE));
    }

    @Test
    void theAdviceGoesExactlyWhereTheShapeCheckLooked() {
        AdvisedMethod scattering = advise(Object.class, "read", "java.nio.ByteBuffer[]", "int", "int");
        List<String> matched = SHAPE.getDeclaredMethods().filter(RowMatchers.matcher(scattering)).stream()
                .map(MethodDescription::toString).toList();
        assertEquals(1, matched.size(), matched::toString);
        assertTrue(matched.get(0).contains("read(java.nio.ByteBuffer[],int,int)"), matched::toString);
        assertFalse(SHAPE.getDeclaredMethods().filter(RowMatchers.matcher(advise(Object.class, "read", "java.nio.ByteBuffer")))
                .isEmpty());
    }
}
