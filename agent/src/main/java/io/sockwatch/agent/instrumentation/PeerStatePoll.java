package io.sockwatch.agent.instrumentation;

import io.sockwatch.agent.tracker.PeerState;
import java.io.FileDescriptor;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Locale;

/**
 * Asks the kernel, without reading anything and without waiting, whether the peer has closed its side: a poll(2)
 * of the socket's descriptor for POLLRDHUP (the peer's FIN arrived) and POLLERR (a reset is pending), through the
 * JDK's own {@code sun.nio.ch.Net.poll} (same signature on JDK 17 and 25). One system call, only at close or
 * before a write after an idle gap. At close, a pending reset is read with getsockopt(SO_ERROR) to tell one that
 * came after the peer's FIN (EPIPE) from one on an open connection (ECONNRESET).
 */
public final class PeerStatePoll {

    /** Linux values from poll.h; the JDK passes the events to poll(2) unchanged. */
    private static final int POLLIN = 0x001;
    private static final int POLLERR = 0x008;
    private static final int POLLRDHUP = 0x2000;
    /** Linux values from socket.h and errno.h. */
    private static final int SOL_SOCKET = 1;
    private static final int SO_ERROR = 4;
    private static final int EPIPE = 32;

    private static final MethodHandle POLL = pollHandle();
    private static final MethodHandle SOCKET_ERROR = POLL == null ? null : socketErrorHandle();

    private PeerStatePoll() {
    }

    private static MethodHandle pollHandle() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return null; // POLLRDHUP is Linux's
        }
        try {
            Class<?> net = Class.forName("sun.nio.ch.Net", false, null);
            return MethodHandles.privateLookupIn(net, MethodHandles.lookup()).findStatic(net, "poll",
                    MethodType.methodType(int.class, FileDescriptor.class, int.class, long.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            Unsupported.report("sun.nio.ch.Net.poll (a close of a connection the peer had already closed is "
                    + "reported as local_close)", e);
            return null;
        }
    }

    private static MethodHandle socketErrorHandle() {
        try {
            Class<?> net = Class.forName("sun.nio.ch.Net", false, null);
            return MethodHandles.privateLookupIn(net, MethodHandles.lookup()).findStatic(net, "getIntOption0",
                    MethodType.methodType(int.class, FileDescriptor.class, boolean.class, int.class, int.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            Unsupported.report("sun.nio.ch.Net.getIntOption0 (a reset found at close after the peer's FIN is "
                    + "reported as peer_rst)", e);
            return null;
        }
    }

    /**
     * @param mayTakeError read (and so clear) a pending error to classify it; only when the application will not
     *                     read the socket again
     */
    public static PeerState of(FileDescriptor fd, boolean mayTakeError) {
        if (POLL == null || fd == null || !fd.valid()) {
            return PeerState.UNKNOWN;
        }
        try {
            int revents = (int) POLL.invokeExact(fd, POLLIN | POLLRDHUP, 0L);
            if ((revents & POLLERR) != 0) {
                return mayTakeError && socketError(fd) == EPIPE ? PeerState.RESET_AFTER_FIN : PeerState.RESET_RECEIVED;
            }
            return (revents & POLLRDHUP) != 0 ? PeerState.FIN_RECEIVED : PeerState.OPEN;
        } catch (Throwable t) {
            return PeerState.UNKNOWN;
        }
    }

    /**
     * Links both system calls off the application's threads, at start: the first close in the JVM must not be
     * slower than the later ones, or the agent would widen the race between our close and the peer's FIN that it
     * judges. /dev/null stands in for a socket: poll(2) answers at once, getsockopt fails with ENOTSOCK.
     */
    public static void warmUp() {
        try (java.io.FileInputStream devNull = new java.io.FileInputStream("/dev/null")) {
            FileDescriptor fd = devNull.getFD();
            for (int i = 0; i < 200; i++) {
                of(fd, false);
                socketError(fd);
            }
        } catch (java.io.IOException | RuntimeException e) {
            // nothing to warm on this system
        }
    }

    private static int socketError(FileDescriptor fd) {
        if (SOCKET_ERROR == null) {
            return 0;
        }
        try {
            return (int) SOCKET_ERROR.invokeExact(fd, false, SOL_SOCKET, SO_ERROR);
        } catch (Throwable t) {
            return 0;
        }
    }
}
