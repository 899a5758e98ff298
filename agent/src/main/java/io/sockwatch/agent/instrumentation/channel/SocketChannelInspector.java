package io.sockwatch.agent.instrumentation.channel;

import io.sockwatch.agent.instrumentation.PeerStatePoll;
import io.sockwatch.agent.instrumentation.Unsupported;
import io.sockwatch.agent.tracker.PeerState;
import io.sockwatch.agent.tracker.SocketInspector;
import java.io.FileDescriptor;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.SocketAddress;
import java.nio.channels.spi.AbstractInterruptibleChannel;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads SocketChannelImpl's own fields ({@code remoteAddress}, {@code localAddress}, {@code readerThread},
 * {@code writerThread}, the same on JDK 17 and 25) and AbstractInterruptibleChannel's {@code interrupted}, which
 * is set while an interrupt closes the channel.
 */
final class SocketChannelInspector implements SocketInspector {

    /** The fields, looked up on first use: registering this inspector at agent start loads no channel class. */
    private static final class Fields {
        static final VarHandle REMOTE;
        static final VarHandle LOCAL;
        static final VarHandle READER;
        static final VarHandle WRITER;
        static final VarHandle FD;
        static final VarHandle INTERRUPTED = interruptTargetField();
        /** {@code state}, and its value when connected (the same on JDK 17 and 25). */
        static final VarHandle STATE = field("state", int.class);
        static final int ST_CONNECTED = 2;

        static {
            VarHandle remote = null;
            VarHandle local = null;
            VarHandle reader = null;
            VarHandle writer = null;
            VarHandle fd = null;
            try {
                Class<?> type = Class.forName("sun.nio.ch.SocketChannelImpl", false, null);
                MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(type, MethodHandles.lookup());
                remote = lookup.findVarHandle(type, "remoteAddress", SocketAddress.class);
                local = lookup.findVarHandle(type, "localAddress", SocketAddress.class);
                reader = lookup.findVarHandle(type, "readerThread", long.class);
                writer = lookup.findVarHandle(type, "writerThread", long.class);
                fd = lookup.findVarHandle(type, "fd", FileDescriptor.class);
            } catch (ReflectiveOperationException | RuntimeException e) {
                Unsupported.report("sun.nio.ch.SocketChannelImpl address and thread fields", e);
            }
            REMOTE = remote;
            LOCAL = local;
            READER = reader;
            WRITER = writer;
            FD = fd;
        }

        private Fields() {
        }

        /**
         * The field an interrupt sets before it closes the channel: {@code Thread interrupted} up to JDK 21 or so,
         * {@code Object interruptedTarget} on JDK 25.
         */
        private static VarHandle field(String name, Class<?> fieldType) {
            try {
                Class<?> type = Class.forName("sun.nio.ch.SocketChannelImpl", false, null);
                return MethodHandles.privateLookupIn(type, MethodHandles.lookup()).findVarHandle(type, name, fieldType);
            } catch (ReflectiveOperationException | RuntimeException e) {
                Unsupported.report("sun.nio.ch.SocketChannelImpl." + name + " (channels opened before a runtime "
                        + "attach are not seen)", e);
                return null;
            }
        }

        private static VarHandle interruptTargetField() {
            Class<?> type = AbstractInterruptibleChannel.class;
            try {
                MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(type, MethodHandles.lookup());
                for (var field : type.getDeclaredFields()) {
                    if (field.getName().equals("interrupted") || field.getName().equals("interruptedTarget")) {
                        return lookup.unreflectVarHandle(field);
                    }
                }
                Unsupported.report(type.getName() + " has neither 'interrupted' nor 'interruptedTarget' (interrupts "
                        + "are reported as async_close)", null);
            } catch (ReflectiveOperationException | RuntimeException e) {
                Unsupported.report(type.getName() + " interrupt field (interrupts are reported as async_close)", e);
            }
            return null;
        }
    }

    @Override
    public SocketAddress peer(Object socket) {
        VarHandle remote = Fields.REMOTE;
        return remote == null ? null : (SocketAddress) remote.getVolatile(socket);
    }

    @Override
    public SocketAddress local(Object socket) {
        VarHandle local = Fields.LOCAL;
        if (local != null && local.coordinateTypes().get(0).isInstance(socket)) {
            return (SocketAddress) local.getVolatile(socket);
        }
        return listenerAddress(socket);
    }

    /** ServerSocketChannelImpl keeps its bound address in a field of the same name; read it the same way. */
    private final ConcurrentHashMap<Class<?>, Optional<VarHandle>> listenerFields =
            new ConcurrentHashMap<>();

    private SocketAddress listenerAddress(Object listener) {
        VarHandle field = listenerFields.computeIfAbsent(listener.getClass(), type -> {
            try {
                return Optional.of(MethodHandles.privateLookupIn(type, MethodHandles.lookup())
                        .findVarHandle(type, "localAddress", SocketAddress.class));
            } catch (ReflectiveOperationException | RuntimeException e) {
                return Optional.empty();
            }
        }).orElse(null);
        return field == null ? null : (SocketAddress) field.getVolatile(listener);
    }

    @Override
    public PeerState peerState(Object socket, boolean mayTakeError) {
        VarHandle fd = Fields.FD;
        if (fd == null || !fd.coordinateTypes().get(0).isInstance(socket)) {
            return PeerState.UNKNOWN;
        }
        return PeerStatePoll.of((FileDescriptor) fd.get(socket), mayTakeError);
    }

    @Override
    public boolean isConnected(Object socket) {
        VarHandle state = Fields.STATE;
        return state != null && state.coordinateTypes().get(0).isInstance(socket)
                && (int) state.getVolatile(socket) == Fields.ST_CONNECTED;
    }

    @Override
    public int threadsInIo(Object socket) {
        if (Fields.READER == null) {
            return 0;
        }
        return ((long) Fields.READER.getVolatile(socket) != 0 ? 1 : 0)
                + ((long) Fields.WRITER.getVolatile(socket) != 0 ? 1 : 0);
    }

    @Override
    public boolean closedByInterrupt(Object socket) {
        VarHandle interrupted = Fields.INTERRUPTED;
        return interrupted != null && interrupted.getVolatile(socket) != null;
    }
}
