package io.sockwatch.wire;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Two network namespaces made by the test, a client host and a server host joined by a veth pair: 10.231.0.1 and
 * 10.231.0.2. Nothing in them can reach any other network. Deleted on close.
 */
final class NetworkPair implements AutoCloseable {

    static final String CLIENT_IP = "10.231.0.1";
    static final String SERVER_IP = "10.231.0.2";
    /** No route leads there from the client host. */
    static final String UNROUTABLE_IP = "10.232.0.1";

    private static final AtomicInteger COUNTER = new AtomicInteger();

    final String client;
    final String server;
    final String clientIf;

    NetworkPair() throws IOException, InterruptedException {
        String id = Long.toString(ProcessHandle.current().pid() % 100000) + "x" + COUNTER.incrementAndGet();
        client = "swc" + id;
        server = "sws" + id;
        clientIf = "vc" + id;
        String serverIf = "vs" + id;
        run("ip", "netns", "add", client);
        run("ip", "netns", "add", server);
        run("ip", "link", "add", clientIf, "type", "veth", "peer", "name", serverIf);
        run("ip", "link", "set", clientIf, "netns", client);
        run("ip", "link", "set", serverIf, "netns", server);
        run("ip", "-n", client, "addr", "add", CLIENT_IP + "/24", "dev", clientIf);
        run("ip", "-n", server, "addr", "add", SERVER_IP + "/24", "dev", serverIf);
        for (String[] ns : new String[][] {{client, clientIf}, {server, serverIf}}) {
            run("ip", "-n", ns[0], "link", "set", "lo", "up");
            run("ip", "-n", ns[0], "link", "set", ns[1], "up");
        }
    }

    /** Runs iptables in the server host. */
    void serverFirewall(String... rule) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", server, "iptables"));
        command.addAll(List.of(rule));
        run(command.toArray(String[]::new));
    }

    /** A command inside a namespace, for ProcessBuilder. */
    static List<String> in(String namespace, List<String> command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        full.addAll(command);
        return full;
    }

    static String run(String... command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("sockwatch-wire-cmd", ".log");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out: " + String.join(" ", command));
            }
            String output = Files.readString(out);
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed (" + p.exitValue() + "): " + output);
            }
            return output;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    @Override
    public void close() {
        for (String ns : List.of(client, server)) {
            try {
                run("ip", "netns", "del", ns);
            } catch (IOException | InterruptedException e) {
                System.err.println("could not delete namespace " + ns + ": " + e.getMessage());
            }
        }
    }
}
