package io.sockwatch.agent.instrumentation.netty;

import io.sockwatch.agent.instrumentation.Unsupported;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;

/**
 * What the io_uring completions need from Netty, per copy of Netty (shaded or not): the channel's socket object,
 * read on every completion without allocating, and the exception Netty itself makes of a negative result
 * ({@code Errors.newIOException}, {@code Errors.throwConnectException}), made only when an operation failed.
 */
final class IoUringChannels {

    private static final String URING_PACKAGE = "io.netty.channel.uring.";

    /** One channel class's handles; null members where that copy of Netty lacks them (reported once). */
    private record Handles(MethodHandle socket, MethodHandle newIoException, MethodHandle throwConnectException) {
    }

    private static final ClassValue<Handles> HANDLES = new ClassValue<>() {
        @Override
        protected Handles computeValue(Class<?> channelType) {
            return new Handles(socketGetter(channelType), errors(channelType, "newIOException"),
                    errors(channelType, "throwConnectException"));
        }
    };

    private IoUringChannels() {
    }

    /** The channel's socket object, or null when it has none that can be read. */
    static Object socketOf(Object channel) throws Throwable {
        MethodHandle getter = HANDLES.get(channel.getClass()).socket();
        return getter == null ? null : (Object) getter.invokeExact(channel);
    }

    /**
     * The exception Netty makes of a failed operation's negative result: its {@code NativeIoException} (a connect's
     * is Netty's ConnectException), errno inside, named as Netty names the io_uring operation; never null (an
     * {@link IoUringFailure} where that copy of Netty has no {@code Errors} to make it).
     */
    static Throwable failure(Object channel, String operation, int result, boolean connect) {
        Handles handles = HANDLES.get(channel.getClass());
        try {
            if (connect && handles.throwConnectException() != null) {
                handles.throwConnectException().invoke(operation, result);
            } else if (handles.newIoException() != null) {
                return (Throwable) handles.newIoException().invoke(operation, result);
            }
        } catch (Throwable madeByNetty) {
            return madeByNetty;
        }
        return new IoUringFailure(operation, result);
    }

    private static MethodHandle socketGetter(Class<?> channelType) {
        for (Class<?> c = channelType; c != null; c = c.getSuperclass()) {
            if (c.getName().endsWith(URING_PACKAGE + "AbstractIoUringChannel")) {
                try {
                    Field socket = c.getDeclaredField("socket");
                    socket.setAccessible(true);
                    return MethodHandles.lookup().unreflectGetter(socket)
                            .asType(MethodType.methodType(Object.class, Object.class));
                } catch (ReflectiveOperationException | RuntimeException e) {
                    Unsupported.report(c.getName() + ".socket (netty.io_uring connections are not observed)", e);
                    return null;
                }
            }
        }
        return null;
    }

    /** {@code io.netty.channel.unix.Errors.<name>(String, int)} of the same copy of Netty as the channel. */
    private static MethodHandle errors(Class<?> channelType, String name) {
        String channelName = channelType.getName();
        int at = channelName.indexOf(URING_PACKAGE);
        if (at < 0) {
            return null;
        }
        String errors = channelName.substring(0, at) + "io.netty.channel.unix.Errors";
        try {
            Class<?> type = Class.forName(errors, false, channelType.getClassLoader());
            return MethodHandles.publicLookup().unreflect(type.getMethod(name, String.class, int.class));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            Unsupported.report(errors + "." + name + "(String,int) (failed netty.io_uring operations are reported "
                    + "without their exception)", e);
            return null;
        }
    }
}
