package io.sockwatch.agent.instrumentation.socket;

import static io.sockwatch.agent.instrumentation.AdvisedMethod.advise;

import io.sockwatch.agent.instrumentation.TypeInstrumentation;
import io.sockwatch.bootstrap.SocketBridge;
import net.bytebuddy.asm.Advice;

/**
 * The legacy {@code java.net.SocketInputStream} and {@code java.net.SocketOutputStream} (JDK 17 and older): every
 * read and write of a PlainSocketImpl passes through one method of each, reported against the stream's impl.
 */
final class PlainSocketStreamsInstrumentation {

    /** {@code read(byte[], int, int, int timeout)}. */
    static final TypeInstrumentation INPUT = TypeInstrumentation.of("java.net.SocketInputStream",
            advise(Read.class, "read", "byte[]", "int", "int", "int"))
            .readingFields("impl");

    /** {@code socketWrite(byte[], int, int)}: writes all bytes or throws. */
    static final TypeInstrumentation OUTPUT = TypeInstrumentation.of("java.net.SocketOutputStream",
            advise(Write.class, "socketWrite", "byte[]", "int", "int"))
            .readingFields("impl");

    private PlainSocketStreamsInstrumentation() {
    }

    static final class Read {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.FieldValue("impl") Object impl, @Advice.Return int n,
                         @Advice.Thrown Throwable thrown) {
            SocketBridge.read(impl, n, thrown);
        }
    }

    static final class Write {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.FieldValue("impl") Object impl) {
            SocketBridge.writing(impl);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.FieldValue("impl") Object impl, @Advice.Argument(2) int len,
                         @Advice.Thrown Throwable thrown) {
            SocketBridge.write(impl, thrown == null ? len : 0, thrown);
        }
    }
}
