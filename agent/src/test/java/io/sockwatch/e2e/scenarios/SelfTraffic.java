package io.sockwatch.e2e.scenarios;

import java.net.Socket;

/** Connects to the given port (the agent's exporter endpoint) like any application could, then runs peer_fin. */
public final class SelfTraffic {

    private SelfTraffic() {
    }

    public static void main(String[] args) throws Exception {
        try (Socket toExporter = new Socket("127.0.0.1", Integer.parseInt(args[0]))) {
            toExporter.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes());
        }
        SocketScenarios.run("peer_fin");
        Thread.sleep(600); // let a batch export run while the program is still alive
    }
}
