package io.sockwatch.e2e.scenarios;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A known mix of endings for the metrics: {@code MetricsMix} runs {@link SocketScenarios} a known number of times
 * each ({@link #MIX}), then {@code idle}: a connection idle 1.5 s before the client closes it. Every scenario prints
 * its {@code SCENARIO} line. {@code MetricsMix peers N}: N refused connects, each to a host of its own
 * (127.0.x.y, loopback on Linux), on a port nobody listens on.
 */
public final class MetricsMix {

    /** Scenario and how many times it runs. */
    public static final Map<String, Integer> MIX = mix();
    public static final long IDLE_MILLIS = 1_500;

    private static Map<String, Integer> mix() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("peer_fin", 3);
        m.put("linger_reset", 2);
        m.put("read_timeout", 2);
        m.put("refused", 4);
        m.put("leaked", 1);
        return m;
    }

    private MetricsMix() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("peers")) {
            peers(Integer.parseInt(args[1]));
            return;
        }
        for (Map.Entry<String, Integer> e : MIX.entrySet()) {
            for (int i = 0; i < e.getValue(); i++) {
                SocketScenarios.run(e.getKey());
            }
        }
        idle();
    }

    private static void idle() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Socket client = new Socket("localhost", listener.getLocalPort());
            int clientPort = client.getLocalPort();
            Socket server = listener.accept();
            client.getOutputStream().write(1);
            InputStream in = server.getInputStream();
            if (in.read() != 1) {
                throw new AssertionError("the byte did not arrive");
            }
            Thread.sleep(IDLE_MILLIS); // neither side reads nor writes
            client.close();
            SocketScenarios.drain(in); // our FIN
            server.close();
            SocketScenarios.report("idle", clientPort, listener.getLocalPort());
        }
    }

    private static void peers(int n) throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort(); // free on every address a moment ago: nobody listens there
        }
        int refused = 0;
        for (int i = 0; i < n; i++) {
            String host = "127.0." + (1 + i / 250) + "." + (1 + i % 250);
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 2000);
            } catch (java.net.ConnectException expected) {
                refused++;
            }
        }
        System.out.println("PEERS refused=" + refused + " port=" + port);
    }
}
