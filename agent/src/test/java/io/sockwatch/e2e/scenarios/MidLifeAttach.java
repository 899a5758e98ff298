package io.sockwatch.e2e.scenarios;

import com.sun.tools.attach.VirtualMachine;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Connections opened before the agent is attached at run time, ended after: the incident case, where the pooled
 * connections that go stale are the ones that were open before anybody attached sockwatch.
 *
 * <ul>
 *   <li>{@code midlife_server_closes}: a Socket pair; after the attach the server side writes 5 bytes and closes,
 *       the client reads them and the end of stream, then closes.</li>
 *   <li>{@code midlife_stale}: a SocketChannel client whose server closed its side before the attach (the client
 *       sits in CLOSE_WAIT); after the attach the client writes on it, then closes.</li>
 * </ul>
 */
public final class MidLifeAttach {

    private MidLifeAttach() {
    }

    public static void main(String[] args) throws Exception {
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = listener.getLocalPort();

            Socket client = new Socket("127.0.0.1", port);
            Socket server = listener.accept();
            client.getOutputStream().write(1); // in use before the attach
            server.getInputStream().read();

            SocketChannel staleClient = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
            Socket staleServer = listener.accept();
            staleServer.close(); // the server's idle timeout, before anybody attached
            Thread.sleep(100);

            VirtualMachine vm = VirtualMachine.attach(String.valueOf(ProcessHandle.current().pid()));
            try {
                vm.loadAgent(args[0], args.length > 1 ? args[1] : null);
            } finally {
                vm.detach();
            }

            server.getOutputStream().write(new byte[5]);
            server.close();
            InputStream in = client.getInputStream();
            int read = 0;
            while (in.read() >= 0) {
                read++;
            }
            client.close();
            System.out.println("SCENARIO midlife_server_closes client_port=" + client.getLocalPort()
                    + " server_port=" + port + " read=" + read);

            int stalePort = ((InetSocketAddress) staleClient.getLocalAddress()).getPort();
            String outcome = "written";
            try {
                staleClient.write(ByteBuffer.wrap(new byte[3]));
            } catch (java.io.IOException e) {
                outcome = e.getClass().getSimpleName();
            }
            staleClient.close();
            System.out.println("SCENARIO midlife_stale client_port=" + stalePort + " server_port=" + port
                    + " outcome=" + outcome);
        }
    }
}
