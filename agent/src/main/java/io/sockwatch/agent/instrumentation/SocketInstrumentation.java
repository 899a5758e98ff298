package io.sockwatch.agent.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.sockwatch.agent.tracker.SocketInspector;
import io.sockwatch.bootstrap.SocketBridge;
import java.net.Socket;
import java.util.List;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;

/**
 * {@code java.net.Socket}: asking a closed socket for its streams fails here ("Socket is closed") without
 * reaching the SocketImpl, so this is where that use after close is seen. It is reported against the socket's
 * implementation, which is what the tracker knows.
 */
public final class SocketInstrumentation implements TypeInstrumentation {

    @Override
    public String typeName() {
        return "java.net.Socket";
    }

    @Override
    public String api() {
        return NioSocketImplInstrumentation.API;
    }

    @Override
    public List<MethodSignature> requiredMethods() {
        return List.of(new MethodSignature("getInputStream"), new MethodSignature("getOutputStream"));
    }

    @Override
    public List<String> requiredFields() {
        return List.of("impl");
    }

    // The advice takes `this` as Object: Byte Buddy reads advice signatures reflectively, and naming Socket there
    // would load java.net.Socket from inside its own transformation (a ClassCircularityError).
    @Override
    public AsmVisitorWrapper advice() {
        return new AsmVisitorWrapper.Compound(
                Advice.to(GetInputStream.class).on(named("getInputStream").and(takesArguments(0))),
                Advice.to(GetOutputStream.class).on(named("getOutputStream").and(takesArguments(0))));
    }

    @Override
    public SocketInspector inspector() {
        return null; // connections are tracked by their SocketImpl
    }

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
