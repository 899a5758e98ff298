package io.sockwatch.agent.instrumentation.async;

import io.sockwatch.agent.instrumentation.PeerStatePoll;
import io.sockwatch.agent.instrumentation.Unsupported;
import io.sockwatch.agent.tracker.PeerState;
import io.sockwatch.agent.tracker.SocketInspector;
import java.io.FileDescriptor;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Reads asynchronous socket channels: {@code remoteAddress}, {@code localAddress} and {@code fd} of
 * {@code sun.nio.ch.AsynchronousSocketChannelImpl}, the pending-operation flags of the Linux
 * {@code UnixAsynchronousSocketChannelImpl}, and the bound address of {@code AsynchronousServerSocketChannelImpl}
 * (for a listener whose accept failed). The same fields on JDK 17 and 25.
 *
 * <p>The fields are looked up on first use, when the classes are loaded anyway: starting the agent loads none of them.
 */
final class AsynchronousChannelInspector implements SocketInspector {

    private static final class Fields {
        static final VarHandle REMOTE;
        static final VarHandle LOCAL;
        static final VarHandle FD;
        static final VarHandle READ_PENDING;
        static final VarHandle WRITE_PENDING;
        static final VarHandle CONNECT_PENDING;
        static final VarHandle LISTENER_LOCAL;

        static {
            VarHandle remote = null;
            VarHandle local = null;
            VarHandle fd = null;
            VarHandle read = null;
            VarHandle write = null;
            VarHandle connect = null;
            VarHandle listener = null;
            try {
                Class<?> base = Class.forName("sun.nio.ch.AsynchronousSocketChannelImpl", false, null);
                MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(base, MethodHandles.lookup());
                remote = lookup.findVarHandle(base, "remoteAddress", InetSocketAddress.class);
                local = lookup.findVarHandle(base, "localAddress", InetSocketAddress.class);
                fd = lookup.findVarHandle(base, "fd", FileDescriptor.class);
                Class<?> unix = Class.forName("sun.nio.ch.UnixAsynchronousSocketChannelImpl", false, null);
                lookup = MethodHandles.privateLookupIn(unix, MethodHandles.lookup());
                read = lookup.findVarHandle(unix, "readPending", boolean.class);
                write = lookup.findVarHandle(unix, "writePending", boolean.class);
                connect = lookup.findVarHandle(unix, "connectPending", boolean.class);
            } catch (ReflectiveOperationException | RuntimeException e) {
                Unsupported.report("sun.nio.ch asynchronous socket channel address and pending-operation fields", e);
            }
            try {
                Class<?> server = Class.forName("sun.nio.ch.AsynchronousServerSocketChannelImpl", false, null);
                listener = MethodHandles.privateLookupIn(server, MethodHandles.lookup())
                        .findVarHandle(server, "localAddress", InetSocketAddress.class);
            } catch (ReflectiveOperationException | RuntimeException e) {
                Unsupported.report("sun.nio.ch.AsynchronousServerSocketChannelImpl field localAddress", e);
            }
            REMOTE = remote;
            LOCAL = local;
            FD = fd;
            READ_PENDING = read;
            WRITE_PENDING = write;
            CONNECT_PENDING = connect;
            LISTENER_LOCAL = listener;
        }

        private Fields() {
        }
    }

    private static boolean holds(VarHandle field, Object socket) {
        return field != null && field.coordinateTypes().get(0).isInstance(socket);
    }

    @Override
    public SocketAddress peer(Object socket) {
        return holds(Fields.REMOTE, socket) ? (SocketAddress) Fields.REMOTE.getVolatile(socket) : null;
    }

    @Override
    public SocketAddress local(Object socket) {
        if (holds(Fields.LOCAL, socket)) {
            return (SocketAddress) Fields.LOCAL.getVolatile(socket);
        }
        return holds(Fields.LISTENER_LOCAL, socket) ? (SocketAddress) Fields.LISTENER_LOCAL.getVolatile(socket) : null;
    }

    /**
     * No thread blocks in an asynchronous channel: what a close interrupts are its pending operations, each of which
     * then completes with AsynchronousCloseException.
     */
    @Override
    public int threadsInIo(Object socket) {
        if (!holds(Fields.READ_PENDING, socket)) {
            return 0;
        }
        return pending(Fields.READ_PENDING, socket) + pending(Fields.WRITE_PENDING, socket)
                + pending(Fields.CONNECT_PENDING, socket);
    }

    private static int pending(VarHandle flag, Object socket) {
        return (boolean) flag.getVolatile(socket) ? 1 : 0;
    }

    @Override
    public PeerState peerState(Object socket, boolean mayTakeError) {
        return holds(Fields.FD, socket)
                ? PeerStatePoll.of((FileDescriptor) Fields.FD.get(socket), mayTakeError)
                : PeerState.UNKNOWN;
    }

    /** An interrupt never closes an asynchronous channel, whichever thread closes it. */
    @Override
    public boolean closesOnInterrupt() {
        return false;
    }
}
