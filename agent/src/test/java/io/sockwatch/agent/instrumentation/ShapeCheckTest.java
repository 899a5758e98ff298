package io.sockwatch.agent.instrumentation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sockwatch.agent.tracker.SocketInspector;
import java.nio.ByteBuffer;
import java.util.List;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.type.TypeDescription;
import org.junit.jupiter.api.Test;

/** The shape check that decides whether a JDK class is instrumented or reported as unsupported. */
class ShapeCheckTest {

    /** Stands for a JDK class: array, primitive and package-private parameter types. */
    @SuppressWarnings("unused")
    static final class Shape {
        private boolean flag;

        int read(ByteBuffer[] dsts, int offset, int length) {
            return 0;
        }

        void fail(Hidden alert, String message, boolean received, Throwable cause) {
        }
    }

    static final class Hidden {
    }

    private static TypeInstrumentation requiring(List<MethodSignature> methods, List<String> fields) {
        return new TypeInstrumentation() {
            @Override
            public String typeName() {
                return Shape.class.getName();
            }

            @Override
            public String api() {
                return "test";
            }

            @Override
            public List<MethodSignature> requiredMethods() {
                return methods;
            }

            @Override
            public List<String> requiredFields() {
                return fields;
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

    @Test
    void methodsMatchByExactParameterTypesGivenAsClassesOrNames() {
        TypeDescription shape = TypeDescription.ForLoadedType.of(Shape.class);
        TypeInstrumentation ok = requiring(List.of(
                new MethodSignature("read", ByteBuffer[].class, int.class, int.class),
                MethodSignature.withTypeNames("fail", Hidden.class.getName(), "java.lang.String", "boolean",
                        "java.lang.Throwable")), List.of("flag"));
        assertEquals(List.of(), Instrumenter.missing(ok, shape));

        TypeInstrumentation changed = requiring(List.of(
                new MethodSignature("read", ByteBuffer.class, int.class, int.class),
                MethodSignature.withTypeNames("fail", "sun.security.ssl.Alert", "java.lang.String", "boolean",
                        "java.lang.Throwable"),
                new MethodSignature("read", ByteBuffer[].class, int.class)), List.of("flag", "gone"));
        assertEquals(List.of("read(ByteBuffer,int,int)", "fail(Alert,String,boolean,Throwable)",
                "read(ByteBuffer[],int)", "field gone"), Instrumenter.missing(changed, shape));
    }
}
