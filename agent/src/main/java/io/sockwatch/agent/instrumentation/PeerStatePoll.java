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
 * JDK's own {@code sun.nio.ch.Net.poll} (same signature on JDK 17 and 25). One system call, only at close.
 */
public final class PeerStatePoll {

    /** Linux values from poll.h; the JDK passes the events to poll(2) unchanged. */
    private static final int POLLIN = 0x001;
    private static final int POLLERR = 0x008;
    private static final int POLLRDHUP = 0x2000;

    private static final MethodHandle POLL = pollHandle();

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

    public static PeerState of(FileDescriptor fd) {
        if (POLL == null || fd == null || !fd.valid()) {
            return PeerState.UNKNOWN;
        }
        try {
            int revents = (int) POLL.invokeExact(fd, POLLIN | POLLRDHUP, 0L);
            if ((revents & POLLERR) != 0) {
                return PeerState.RESET_RECEIVED;
            }
            return (revents & POLLRDHUP) != 0 ? PeerState.FIN_RECEIVED : PeerState.OPEN;
        } catch (Throwable t) {
            return PeerState.UNKNOWN;
        }
    }
}
