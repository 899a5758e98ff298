package io.sockwatch.agent.instrumentation.netty;

import io.sockwatch.agent.instrumentation.PeerStatePoll;
import io.sockwatch.agent.instrumentation.Unsupported;
import io.sockwatch.agent.tracker.PeerState;
import io.sockwatch.agent.tracker.SocketInspector;
import java.io.FileDescriptor;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;

/**
 * Reads a Netty native socket through its own public methods ({@code remoteAddress()}, {@code localAddress()}, their
 * Unix domain counterparts, {@code intValue()}, {@code getIntOpt}), found on whichever copy of the class the socket is
 * (shaded copies have the same methods under another package); and the errno inside Netty's native exceptions
 * ({@code expectedErr()}).
 * Never on the hot path: at connect, accept, failures and close.
 */
final class NettySocketInspector implements SocketInspector {

    /**
     * Linux's SOL_SOCKET, SO_TYPE, SOCK_STREAM, SO_DOMAIN and AF_UNIX (socket.h): only stream sockets are
     * connections, and a Unix domain socket's addresses are read by Netty's domain socket methods.
     */
    private static final int SOL_SOCKET = 1;
    private static final int SO_TYPE = 3;
    private static final int SOCK_STREAM = 1;
    private static final int SO_DOMAIN = 39;
    private static final int AF_UNIX = 1;

    /** The handles of one copy of Netty's Socket class; null members where that copy lacks the method. */
    private record SocketMethods(MethodHandle remote, MethodHandle local, MethodHandle remoteDomain,
                                 MethodHandle localDomain, MethodHandle fd, MethodHandle intOption) {
    }

    private static final ClassValue<SocketMethods> SOCKET_METHODS = new ClassValue<>() {
        @Override
        protected SocketMethods computeValue(Class<?> type) {
            Class<?> socket = type;
            while (socket != null && !socket.getName().endsWith("io.netty.channel.unix.Socket")) {
                socket = socket.getSuperclass();
            }
            if (socket == null) {
                return new SocketMethods(null, null, null, null, null, null);
            }
            return new SocketMethods(
                    handle(socket, "remoteAddress", MethodType.methodType(InetSocketAddress.class)),
                    handle(socket, "localAddress", MethodType.methodType(InetSocketAddress.class)),
                    domainAddressGetter(socket, "remoteDomainSocketAddress"),
                    domainAddressGetter(socket, "localDomainSocketAddress"),
                    handle(socket, "intValue", MethodType.methodType(int.class)),
                    handle(socket, "getIntOpt", MethodType.methodType(int.class, int.class, int.class)));
        }
    };

    /** {@code expectedErr()} of Netty's NativeIoException and NativeConnectException (the latter package-private). */
    private static final ClassValue<MethodHandle> ERRNO = new ClassValue<>() {
        @Override
        protected MethodHandle computeValue(Class<?> type) {
            for (Class<?> c = type; c != null && c != Throwable.class; c = c.getSuperclass()) {
                try {
                    Method m = c.getDeclaredMethod("expectedErr");
                    if (m.getReturnType() == int.class) {
                        m.setAccessible(true);
                        return MethodHandles.lookup().unreflect(m);
                    }
                } catch (NoSuchMethodException notHere) {
                    // its superclass may have it
                } catch (ReflectiveOperationException | RuntimeException e) {
                    return null;
                }
            }
            return null;
        }
    };

    /** {@code path()} of Netty's DomainSocketAddress, per copy of Netty. */
    private static final ClassValue<MethodHandle> DOMAIN_PATH = new ClassValue<>() {
        @Override
        protected MethodHandle computeValue(Class<?> type) {
            return handle(type, "path", MethodType.methodType(String.class));
        }
    };

    /** {@code remoteDomainSocketAddress()} or {@code localDomainSocketAddress()}, returning that copy's own type. */
    private static MethodHandle domainAddressGetter(Class<?> socket, String name) {
        try {
            return MethodHandles.publicLookup().unreflect(socket.getMethod(name));
        } catch (ReflectiveOperationException | RuntimeException e) {
            Unsupported.report(socket.getName() + "." + name + "() (" + NettyNativeModule.LABEL
                    + " Unix domain spans lack their addresses)", null);
            return null;
        }
    }

    /** Netty's DomainSocketAddress as the JDK's, the form the tracker and the span know; null for anything else. */
    static SocketAddress unixAddress(Object nettyAddress) {
        if (nettyAddress == null
                || !nettyAddress.getClass().getName().endsWith("io.netty.channel.unix.DomainSocketAddress")) {
            return null;
        }
        MethodHandle path = DOMAIN_PATH.get(nettyAddress.getClass());
        try {
            return path == null ? null : UnixDomainSocketAddress.of((String) path.invoke(nettyAddress));
        } catch (Throwable unreadable) {
            return null;
        }
    }

    private static MethodHandle handle(Class<?> socket, String name, MethodType type) {
        try {
            return MethodHandles.publicLookup().findVirtual(socket, name, type);
        } catch (ReflectiveOperationException | RuntimeException e) {
            Unsupported.report(socket.getName() + "." + name + type + " (" + NettyNativeModule.LABEL
                    + " spans lack what it reads)", null);
            return null;
        }
    }

    /** The peer: an InetSocketAddress, or for a Unix domain socket its file (an empty path when unnamed). */
    @Override
    public SocketAddress peer(Object socket) {
        SocketMethods m = SOCKET_METHODS.get(socket.getClass());
        return isDomain(socket) ? unixAddress(call(m.remoteDomain(), socket))
                : (SocketAddress) call(m.remote(), socket);
    }

    @Override
    public SocketAddress local(Object socket) {
        SocketMethods m = SOCKET_METHODS.get(socket.getClass());
        return isDomain(socket) ? unixAddress(call(m.localDomain(), socket)) : (SocketAddress) call(m.local(), socket);
    }

    private static Object call(MethodHandle getter, Object socket) {
        if (getter == null) {
            return null;
        }
        try {
            return getter.invoke(socket);
        } catch (Throwable closedOrUnconnected) {
            return null;
        }
    }

    /** Whether the socket is a Unix domain socket (asked of the kernel: SO_DOMAIN). */
    boolean isDomain(Object socket) {
        return intOption(socket, SO_DOMAIN) == AF_UNIX;
    }

    /** Whether the socket is a stream socket (TCP): datagram sockets connect too, but are never connections. */
    boolean isStream(Object socket) {
        if (SOCKET_METHODS.get(socket.getClass()).intOption() == null) {
            return true; // reported when looked up; a connected datagram socket may then be taken for a connection
        }
        return intOption(socket, SO_TYPE) == SOCK_STREAM;
    }

    /** A SOL_SOCKET option's value, -1 when it cannot be read. */
    private static int intOption(Object socket, int option) {
        MethodHandle getter = SOCKET_METHODS.get(socket.getClass()).intOption();
        if (getter == null) {
            return -1;
        }
        try {
            return (int) getter.invoke(socket, SOL_SOCKET, option);
        } catch (Throwable unreadable) {
            return -1;
        }
    }

    /** Netty sockets are non-blocking, driven by an event loop: no thread is ever blocked in one. */
    @Override
    public int threadsInIo(Object socket) {
        return 0;
    }

    /** An interrupt of the event loop closes no Netty socket. */
    @Override
    public boolean closesOnInterrupt() {
        return false;
    }

    @Override
    public PeerState peerState(Object socket, boolean mayTakeError) {
        MethodHandle fd = SOCKET_METHODS.get(socket.getClass()).fd();
        if (fd == null) {
            return PeerState.UNKNOWN;
        }
        try {
            return PeerStatePoll.of(JdkDescriptors.of((int) fd.invoke(socket)), mayTakeError);
        } catch (Throwable unreadable) {
            return PeerState.UNKNOWN;
        }
    }

    /** The errno Netty put in its native exception (negative there), 0 for any other exception. */
    @Override
    public int errno(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            MethodHandle expectedErr = ERRNO.get(t.getClass());
            if (expectedErr != null) {
                try {
                    return Math.abs((int) expectedErr.invoke(t));
                } catch (Throwable unreadable) {
                    return 0;
                }
            }
        }
        return 0;
    }

    /** A JDK FileDescriptor for Netty's descriptor number, for the JDK's poll: made without a cleaner of its own. */
    static final class JdkDescriptors {
        private static final MethodHandle NEW_FD = newFd();

        private JdkDescriptors() {
        }

        private static MethodHandle newFd() {
            try {
                Class<?> ioUtil = Class.forName("sun.nio.ch.IOUtil", false, null);
                return MethodHandles.privateLookupIn(ioUtil, MethodHandles.lookup()).findStatic(ioUtil, "newFD",
                        MethodType.methodType(FileDescriptor.class, int.class));
            } catch (ReflectiveOperationException | RuntimeException e) {
                Unsupported.report("sun.nio.ch.IOUtil.newFD (a close of a Netty connection the peer had already "
                        + "closed is reported as local_close)", e);
                return null;
            }
        }

        static FileDescriptor of(int fd) throws Throwable {
            return NEW_FD == null || fd < 0 ? null : (FileDescriptor) NEW_FD.invokeExact(fd);
        }
    }
}
