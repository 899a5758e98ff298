package io.sockwatch.agent.instrumentation.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.channel.unix.Errors;
import java.io.IOException;
import java.net.SocketException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The errno read out of Netty's own exceptions (netty-all on the test class path), and the transport names. */
class NettySocketInspectorTest {

    private final NettySocketInspector inspector = new NettySocketInspector();

    /** Netty's Errors reads errno values from its native library, which epoll loads (linux-x86_64 on the path). */
    @BeforeAll
    static void loadNettysNativeLibrary() {
        io.netty.channel.epoll.Epoll.ensureAvailability();
    }

    @Test
    void readsTheErrnoNettyPutInItsNativeException() {
        // Netty keeps the errno negative, as its JNI code returns it.
        assertEquals(104, inspector.errno(new Errors.NativeIoException("recvAddress", -104)));
        assertEquals(32, inspector.errno(new Errors.NativeIoException("sendAddress", -32)));
    }

    @Test
    void findsItUnderAWrapper() {
        assertEquals(104, inspector.errno(new IOException("wrapped",
                new Errors.NativeIoException("recvAddress", -104))));
    }

    @Test
    void otherExceptionsCarryNone() {
        assertEquals(0, inspector.errno(new SocketException("Connection reset")));
        assertEquals(0, inspector.errno(new IOException("no cause")));
    }

    @Test
    void theTransportIsToldFromTheSocketsPackageShadedOrNot() {
        assertEquals(NettyTransport.EPOLL, NettyTransport.ofClass("io.netty.channel.epoll.LinuxSocket"));
        assertEquals(NettyTransport.EPOLL,
                NettyTransport.ofClass("io.grpc.netty.shaded.io.netty.channel.epoll.LinuxSocket"));
        assertEquals(NettyTransport.IO_URING, NettyTransport.ofClass("io.netty.channel.uring.LinuxSocket"));
        assertNull(NettyTransport.ofClass("io.netty.channel.kqueue.BsdSocket"), "kqueue is not observed");
        assertNull(NettyTransport.ofClass("io.netty.channel.unix.Socket"));
    }
}
