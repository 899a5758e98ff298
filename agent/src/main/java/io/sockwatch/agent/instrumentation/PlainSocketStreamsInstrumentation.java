package io.sockwatch.agent.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.sockwatch.agent.tracker.SocketInspector;
import io.sockwatch.bootstrap.SocketBridge;
import java.util.List;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;

/**
 * The legacy {@code java.net.SocketInputStream} and {@code java.net.SocketOutputStream} (JDK 17 and older): every
 * read and write of a PlainSocketImpl passes through one method of each, reported against the stream's impl.
 */
public final class PlainSocketStreamsInstrumentation {

    private PlainSocketStreamsInstrumentation() {
    }

    /** java.net.SocketInputStream.read(byte[], int, int, int timeout). */
    public static final class Input implements TypeInstrumentation {
        @Override
        public String typeName() {
            return "java.net.SocketInputStream";
        }

        @Override
        public String api() {
            return PlainSocketImplInstrumentation.API;
        }

        @Override
        public boolean optional() {
            return true;
        }

        @Override
        public List<MethodSignature> requiredMethods() {
            return List.of(new MethodSignature("read", byte[].class, int.class, int.class, int.class));
        }

        @Override
        public List<String> requiredFields() {
            return List.of("impl");
        }

        @Override
        public AsmVisitorWrapper advice() {
            return Advice.to(Read.class).on(named("read").and(takesArguments(byte[].class, int.class, int.class,
                    int.class)));
        }

        @Override
        public SocketInspector inspector() {
            return null;
        }
    }

    /** java.net.SocketOutputStream.socketWrite(byte[], int, int): writes all bytes or throws. */
    public static final class Output implements TypeInstrumentation {
        @Override
        public String typeName() {
            return "java.net.SocketOutputStream";
        }

        @Override
        public String api() {
            return PlainSocketImplInstrumentation.API;
        }

        @Override
        public boolean optional() {
            return true;
        }

        @Override
        public List<MethodSignature> requiredMethods() {
            return List.of(new MethodSignature("socketWrite", byte[].class, int.class, int.class));
        }

        @Override
        public List<String> requiredFields() {
            return List.of("impl");
        }

        @Override
        public AsmVisitorWrapper advice() {
            return Advice.to(Write.class).on(named("socketWrite").and(takesArguments(byte[].class, int.class,
                    int.class)));
        }

        @Override
        public SocketInspector inspector() {
            return null;
        }
    }

    static final class Read {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.FieldValue("impl") Object impl, @Advice.Return int n,
                         @Advice.Thrown Throwable thrown) {
            SocketBridge.read(impl, n, thrown);
        }
    }

    static final class Write {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.FieldValue("impl") Object impl, @Advice.Argument(2) int len,
                         @Advice.Thrown Throwable thrown) {
            SocketBridge.write(impl, thrown == null ? len : 0, thrown);
        }
    }
}
