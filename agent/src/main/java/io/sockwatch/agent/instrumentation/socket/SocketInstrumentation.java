package io.sockwatch.agent.instrumentation.socket;

import static io.sockwatch.agent.instrumentation.AdvisedMethod.advise;

import io.sockwatch.agent.instrumentation.TypeInstrumentation;
import io.sockwatch.bootstrap.SocketBridge;
import java.net.Socket;
import net.bytebuddy.asm.Advice;

/**
 * {@code java.net.Socket}: asking a closed socket for its streams fails here ("Socket is closed") without
 * reaching the SocketImpl, so this is where that use after close is seen. It is reported against the socket's
 * implementation, which is what the tracker knows.
 */
final class SocketInstrumentation {

    static final TypeInstrumentation TYPE = TypeInstrumentation.of("java.net.Socket",
            advise(GetInputStream.class, "getInputStream"),
            advise(GetOutputStream.class, "getOutputStream"))
            .readingFields("impl");

    private SocketInstrumentation() {
    }

    // The advice takes `this` as Object: Byte Buddy reads advice signatures reflectively, and naming Socket there
    // would load java.net.Socket from inside its own transformation (a ClassCircularityError).

    static final class GetInputStream {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.FieldValue("impl") Object impl,
                         @Advice.Thrown Throwable thrown) {
            if (thrown != null && impl != null && ((Socket) self).isClosed()) {
                SocketBridge.read(impl, 0, thrown);
            }
        }
    }

    static final class GetOutputStream {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.FieldValue("impl") Object impl,
                         @Advice.Thrown Throwable thrown) {
            if (thrown != null && impl != null && ((Socket) self).isClosed()) {
                SocketBridge.write(impl, 0, thrown);
            }
        }
    }
}
