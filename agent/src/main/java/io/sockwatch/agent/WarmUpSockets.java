package io.sockwatch.agent;

import java.io.IOException;
import java.net.Socket;
import java.nio.channels.SocketChannel;

/**
 * Unconnected sockets of the APIs sockwatch observes, made on sockwatch's own thread at start for the close path's
 * warm-up to read with each inspector; closed again at once (a socket never connected is not tracked).
 */
final class WarmUpSockets {

    private WarmUpSockets() {
    }

    static Object[] unconnected() {
        Object[] samples = new Object[2];
        try (Socket socket = new Socket(); SocketChannel channel = SocketChannel.open()) {
            samples[0] = implOf(socket);
            samples[1] = channel;
        } catch (IOException | RuntimeException e) {
            // what could be made is rehearsed
        }
        return samples;
    }

    /** The Socket's SocketImpl (a NioSocketImpl), which is what the socket inspector reads. */
    private static Object implOf(Socket socket) {
        try {
            var getImpl = Socket.class.getDeclaredMethod("getImpl");
            getImpl.setAccessible(true);
            return getImpl.invoke(socket);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return socket;
        }
    }
}
