package io.sockwatch.e2e.scenarios;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A connection closed by a virtual thread that has no name (JDK 21+): its {@code thread.name} must still say which
 * thread it was. Started by reflection, so that this compiles for JDK 17.
 */
public final class VirtualThreadClose {

    private VirtualThreadClose() {
    }

    public static void main(String[] args) throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
            Socket server = listener.accept();
            Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
            // Through the public interface Thread.Builder: the builder's own class is not accessible.
            Thread closer = (Thread) Class.forName("java.lang.Thread$Builder").getMethod("unstarted", Runnable.class)
                    .invoke(builder,
                    (Runnable) () -> {
                        try {
                            client.close();
                        } catch (Exception e) {
                            throw new RuntimeException(e);
                        }
                    });
            closer.start();
            closer.join();
            server.close();
            System.out.println("SCENARIO virtual_thread_close client_port=" + client.getLocalPort() + " server_port="
                    + listener.getLocalPort() + " thread_id=" + closer.getId() + " thread_name=[" + closer.getName()
                    + "]");
        }
    }
}
