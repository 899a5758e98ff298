package io.sockwatch.agent.instrumentation.socket;

import io.sockwatch.agent.instrumentation.PeerStatePoll;
import io.sockwatch.agent.instrumentation.Unsupported;
import io.sockwatch.agent.tracker.PeerState;
import io.sockwatch.agent.tracker.SocketInspector;
import java.io.FileDescriptor;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketImpl;
import java.net.SocketOptions;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads a {@link SocketImpl}'s addresses and, for NioSocketImpl, whether threads are blocked in it.
 *
 * <p>The peer comes from SocketImpl's long-standing protected fields ({@code address}, {@code port}); the local
 * address from the public {@code SO_BINDADDR} option and the {@code localport} field. The agent opens
 * {@code java.net} and {@code sun.nio.ch} to itself at startup; if a JDK lacks a field, that fact is reported
 * once and the attribute is left out.
 */
final class SocketImplInspector implements SocketInspector {

    /**
     * The fields, looked up on first use: registering this inspector at agent start must not load socket classes,
     * which the agent would then have to retransform.
     */
    private static final class Fields {
        static final VarHandle ADDRESS;
        static final VarHandle PORT;
        static final VarHandle LOCALPORT;
        /** SocketImpl.fd: NioSocketImpl and the legacy impl both keep their descriptor there. */
        static final VarHandle FD;
        /** java.net.DelegatingSocketImpl (SOCKS and HTTP CONNECT wrappers) holds the platform implementation. */
        static final VarHandle DELEGATE;

        static {
            VarHandle address = null;
            VarHandle port = null;
            VarHandle localport = null;
            try {
                MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(SocketImpl.class, MethodHandles.lookup());
                address = lookup.findVarHandle(SocketImpl.class, "address", InetAddress.class);
                port = lookup.findVarHandle(SocketImpl.class, "port", int.class);
                localport = lookup.findVarHandle(SocketImpl.class, "localport", int.class);
            } catch (ReflectiveOperationException | RuntimeException e) {
                Unsupported.report("java.net.SocketImpl fields address/port/localport", e);
            }
            ADDRESS = address;
            PORT = port;
            LOCALPORT = localport;
            FD = fdField();
            DELEGATE = delegateField();
        }

        private Fields() {
        }

        private static VarHandle fdField() {
            try {
                return MethodHandles.privateLookupIn(SocketImpl.class, MethodHandles.lookup())
                        .findVarHandle(SocketImpl.class, "fd", FileDescriptor.class);
            } catch (ReflectiveOperationException | RuntimeException e) {
                Unsupported.report("java.net.SocketImpl.fd (the close-time peer check is left out)", e);
                return null;
            }
        }

        private static VarHandle delegateField() {
            try {
                Class<?> type = Class.forName("java.net.DelegatingSocketImpl", false, null);
                return MethodHandles.privateLookupIn(type, MethodHandles.lookup())
                        .findVarHandle(type, "delegate", SocketImpl.class);
            } catch (ClassNotFoundException e) {
                return null; // not on this JDK: no wrapper to see through
            } catch (ReflectiveOperationException | RuntimeException e) {
                Unsupported.report("java.net.DelegatingSocketImpl field delegate (use after close of a socket "
                        + "created with new Socket() is not reported)", e);
                return null;
            }
        }
    }

    @Override
    public Object unwrap(Object socket) {
        VarHandle delegate = Fields.DELEGATE;
        if (delegate == null || !delegate.coordinateTypes().get(0).isInstance(socket)) {
            return null;
        }
        return delegate.get(socket);
    }

    /**
     * {@code sun.nio.ch.Net.localInetAddress}: the address half of getsockname(2). {@code SO_BINDADDR} answers
     * through {@code Net.localAddress}, which asks the kernel twice (the address, then the port, which
     * {@code localport} already holds): one system call per connection saved, at every connect and accept.
     */
    private static final class LocalAddressCall {
        static final MethodHandle LOCAL_INET_ADDRESS = handle();

        private LocalAddressCall() {
        }

        private static MethodHandle handle() {
            try {
                Class<?> net = Class.forName("sun.nio.ch.Net", false, null);
                return MethodHandles.privateLookupIn(net, MethodHandles.lookup()).findStatic(net,
                        "localInetAddress", MethodType.methodType(InetAddress.class, FileDescriptor.class));
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null; // SO_BINDADDR still answers, with one system call more
            }
        }
    }

    /** NioSocketImpl's {@code state} and its value when connected (the same on JDK 17 and 25). */
    private static final class NioState {
        static final int ST_CONNECTED = 3;
        static final Class<?> TYPE;
        static final VarHandle STATE;

        static {
            Class<?> type = null;
            VarHandle state = null;
            try {
                type = Class.forName("sun.nio.ch.NioSocketImpl", false, null);
                state = MethodHandles.privateLookupIn(type, MethodHandles.lookup())
                        .findVarHandle(type, "state", int.class);
            } catch (ReflectiveOperationException | RuntimeException e) {
                Unsupported.report("sun.nio.ch.NioSocketImpl.state (sockets opened before a runtime attach are "
                        + "not seen)", e);
            }
            TYPE = type;
            STATE = state;
        }

        private NioState() {
        }
    }

    /** Whether this inspector's sockets can be taken up mid-life (NioSocketImpl; not the legacy impl). */
    private final boolean readsConnectedState;

    SocketImplInspector(boolean readsConnectedState) {
        this.readsConnectedState = readsConnectedState;
    }

    @Override
    public boolean isConnected(Object socket) {
        return readsConnectedState && NioState.STATE != null && NioState.TYPE.isInstance(socket)
                && (int) NioState.STATE.getVolatile(socket) == NioState.ST_CONNECTED;
    }

    private final ConcurrentHashMap<Class<?>, VarHandle[]> ioThreadFields = new ConcurrentHashMap<>();

    @Override
    public SocketAddress peer(Object socket) {
        if (Fields.ADDRESS == null) {
            return null;
        }
        InetAddress address = (InetAddress) Fields.ADDRESS.getVolatile((SocketImpl) socket);
        int port = (int) Fields.PORT.getVolatile((SocketImpl) socket);
        return address == null || port <= 0 ? null : new InetSocketAddress(address, port);
    }

    @Override
    public SocketAddress local(Object socket) {
        if (Fields.LOCALPORT == null) {
            return null;
        }
        int port = (int) Fields.LOCALPORT.getVolatile((SocketImpl) socket);
        if (port <= 0) {
            return null;
        }
        // Asked at connect and accept, on the thread that owns the new socket, and at close before the JDK closes
        // the descriptor: it is open and still this socket's.
        MethodHandle localInetAddress = LocalAddressCall.LOCAL_INET_ADDRESS;
        FileDescriptor fd = Fields.FD == null ? null : (FileDescriptor) Fields.FD.getVolatile(socket);
        if (localInetAddress != null && fd != null && fd.valid()) {
            try {
                return new InetSocketAddress((InetAddress) localInetAddress.invokeExact(fd), port);
            } catch (Throwable closedMeanwhile) {
                return new InetSocketAddress(port); // the port is known, the address no longer
            }
        }
        try {
            Object bound = ((SocketOptions) socket).getOption(SocketOptions.SO_BINDADDR);
            return bound instanceof InetAddress a ? new InetSocketAddress(a, port) : new InetSocketAddress(port);
        } catch (Exception e) {
            return new InetSocketAddress(port); // already closed: the port is known, the address no longer
        }
    }

    @Override
    public PeerState peerState(Object socket, boolean mayTakeError) {
        VarHandle fd = Fields.FD;
        return fd == null ? PeerState.UNKNOWN : PeerStatePoll.of((FileDescriptor) fd.getVolatile(socket), mayTakeError);
    }

    @Override
    public int threadsInIo(Object socket) {
        VarHandle[] fields = ioThreadFields.computeIfAbsent(socket.getClass(), SocketImplInspector::ioThreadFields);
        if (fields.length == 1) {
            return Math.max(0, (int) fields[0].getVolatile(socket)); // fdUseCount
        }
        int n = 0;
        for (VarHandle f : fields) {
            if ((long) f.getVolatile(socket) != 0) {
                n++;
            }
        }
        return n;
    }

    /**
     * NioSocketImpl records the native thread blocked in read/connect/accept and in write (JDK 13 to 25);
     * the legacy AbstractPlainSocketImpl counts the threads using its descriptor in {@code fdUseCount}.
     */
    private static VarHandle[] ioThreadFields(Class<?> type) {
        try {
            for (Class<?> c = type; c != null && c != SocketImpl.class; c = c.getSuperclass()) {
                MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(c, MethodHandles.lookup());
                for (var field : c.getDeclaredFields()) {
                    if (field.getName().equals("fdUseCount") && field.getType() == int.class) {
                        return new VarHandle[] {lookup.unreflectVarHandle(field)};
                    }
                    if (field.getName().equals("readerThread") && field.getType() == long.class) {
                        return new VarHandle[] {
                                lookup.findVarHandle(c, "readerThread", long.class),
                                lookup.findVarHandle(c, "writerThread", long.class)};
                    }
                }
            }
            throw new NoSuchFieldException("readerThread/writerThread or fdUseCount");
        } catch (ReflectiveOperationException | RuntimeException e) {
            Unsupported.report(type.getName() + " fields readerThread/writerThread (close from another thread is "
                    + "reported as reason close, not async_close)", e);
            return new VarHandle[0];
        }
    }
}
