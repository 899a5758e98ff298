package io.sockwatch.realservers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * tcpdump on {@code lo} for the ports of one server, and what it saw, connection by connection. The wire suite's
 * {@code PacketCapture} judges one connection between two namespaces; here one capture holds every connection of a
 * program to a server on loopback, so packets are split by 4-tuple (and by SYN, should the kernel reuse a tuple).
 */
final class LoopbackCapture implements AutoCloseable {

    /** Who sent a packet: the side that connected, or the side that accepted. */
    enum Side { CLIENT, SERVER }

    record Packet(long micros, Side from, String flags, int length) {
        boolean fin() {
            return flags.contains("F");
        }

        boolean rst() {
            return flags.contains("R");
        }

        boolean syn() {
            return flags.contains("S");
        }

        @Override
        public String toString() {
            return micros + " " + from + " [" + flags + "] " + length;
        }
    }

    /** How a connection ended on the wire: the first FIN or RST and who sent it, or a refused connect. */
    record End(Side by, String what) {
        static final End REFUSED = new End(Side.SERVER, "RST to SYN");

        @Override
        public String toString() {
            return this == REFUSED || what.equals(REFUSED.what) ? "refused (RST answering the SYN)"
                    : by.name().toLowerCase() + " " + what + " first";
        }
    }

    /** One TCP connection as captured, from its SYN. */
    record Conversation(int clientPort, int serverPort, List<Packet> packets) {

        long synMicros() {
            return packets.get(0).micros();
        }

        boolean established() {
            return packets.stream().anyMatch(p -> p.from() == Side.SERVER && p.syn() && p.flags().contains("."));
        }

        /** The first FIN or RST, or {@link End#REFUSED}, or null when the connection never ended in the capture. */
        End end() {
            if (!established()) {
                return packets.stream().anyMatch(p -> p.from() == Side.SERVER && p.rst()) ? End.REFUSED : null;
            }
            for (Packet p : packets) {
                if (p.rst() || p.fin()) {
                    return new End(p.from(), p.rst() ? "RST" : "FIN");
                }
            }
            return null;
        }

        /** TCP payload bytes {@code from} sent (each segment once: nothing is lost on loopback). */
        long payload(Side from) {
            return packets.stream().filter(p -> p.from() == from).mapToLong(Packet::length).sum();
        }

        /** Payload bytes {@code from} sent before the first FIN or RST of either side. */
        long payloadBeforeEnd(Side from) {
            long sum = 0;
            for (Packet p : packets) {
                if (p.fin() || p.rst()) {
                    return sum + (p.from() == from ? p.length() : 0);
                }
                sum += p.from() == from ? p.length() : 0;
            }
            return sum;
        }

        /** The packets after the first FIN or RST. */
        List<Packet> afterEnd() {
            for (int i = 0; i < packets.size(); i++) {
                if (packets.get(i).fin() || packets.get(i).rst()) {
                    return packets.subList(i + 1, packets.size());
                }
            }
            return List.of();
        }

        /** The last data segment {@code from} sent up to the first FIN or RST (which may carry data), or null. */
        Packet lastDataBeforeEnd(Side from) {
            Packet last = null;
            for (Packet p : packets) {
                if (p.from() == from && p.length() > 0) {
                    last = p;
                }
                if (p.fin() || p.rst()) {
                    break;
                }
            }
            return last;
        }

        @Override
        public String toString() {
            // A large transfer is thousands of segments: its ends tell the story.
            List<Packet> shown = packets.size() <= 40 ? packets : new ArrayList<>(packets.subList(0, 20));
            String more = packets.size() <= 40 ? "" : ", ... " + (packets.size() - 40) + " more ..., "
                    + packets.subList(packets.size() - 20, packets.size()).stream().map(Packet::toString)
                    .collect(Collectors.joining(", "));
            return "127.0.0.1:" + clientPort + " -> 127.0.0.1:" + serverPort + " (" + end() + "): "
                    + shown.stream().map(Packet::toString).collect(Collectors.joining(", ")) + more;
        }
    }

    private static final Pattern LINE = Pattern.compile("^(\\d+)\\.(\\d{6}) IP 127\\.0\\.0\\.1\\.(\\d+) > "
            + "127\\.0\\.0\\.1\\.(\\d+): Flags \\[([^\\]]*)\\].*? length (\\d+)");
    private static final Pattern DROPPED = Pattern.compile("(\\d+) packets dropped by kernel");

    private final Path file;
    private final Path log;
    private final Set<Integer> serverPorts;
    private final Process tcpdump;

    private LoopbackCapture(Path dir, Set<Integer> serverPorts) throws IOException, InterruptedException {
        this.file = dir.resolve("lo.pcap");
        this.log = dir.resolve("tcpdump.log");
        this.serverPorts = serverPorts;
        String filter = "tcp and (" + serverPorts.stream().map(p -> "port " + p).collect(Collectors.joining(" or "))
                + ")";
        // Headers are all we read: a short snapshot keeps a 4 MB transfer small and the kernel buffer from dropping.
        tcpdump = new ProcessBuilder(LocalDaemon.binary("tcpdump", "tcpdump", List.of()).toString(), "-i", "lo",
                "-nn", "-s", "128", "-B", "8192", "--immediate-mode", "-U", "-w", file.toString(), filter)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!(Files.exists(log) && Files.readString(log).contains("listening on"))) {
            if (System.nanoTime() > deadline || !tcpdump.isAlive()) {
                throw new IllegalStateException("tcpdump did not start on lo (RealServersIT needs root or "
                        + "CAP_NET_RAW for it): " + Files.readString(log));
            }
            Thread.sleep(20);
        }
    }

    /** Starts capturing on lo every TCP packet to or from {@code serverPorts}, the ports that accept. */
    static LoopbackCapture start(Path dir, Set<Integer> serverPorts) throws IOException, InterruptedException {
        return new LoopbackCapture(dir, serverPorts);
    }

    /** Stops tcpdump (after the last packets are in) and reads the capture; a capture that lost packets fails. */
    List<Conversation> stop() throws IOException, InterruptedException {
        Thread.sleep(300); // FINs and ACKs the kernel sends after the program's exit
        tcpdump.destroy(); // SIGTERM: tcpdump flushes and prints its counts
        if (!tcpdump.waitFor(10, TimeUnit.SECONDS)) {
            tcpdump.destroyForcibly();
            throw new IllegalStateException("tcpdump did not stop: " + Files.readString(log));
        }
        String summary = Files.readString(log);
        Matcher dropped = DROPPED.matcher(summary);
        if (!dropped.find() || !dropped.group(1).equals("0")) {
            throw new IllegalStateException("the capture is incomplete, verdicts cannot be judged: " + summary);
        }
        String text = LocalDaemon.run(file.getParent(), List.of(
                LocalDaemon.binary("tcpdump", "tcpdump", List.of()).toString(), "-r", file.toString(), "-nn", "-tt"));
        return parse(text.lines().toList(), serverPorts);
    }

    static List<Conversation> parse(List<String> lines, Set<Integer> serverPorts) {
        Map<String, List<Packet>> open = new LinkedHashMap<>();
        List<Conversation> all = new ArrayList<>();
        for (String line : lines) {
            Matcher m = LINE.matcher(line);
            if (!m.find()) {
                continue;
            }
            int src = Integer.parseInt(m.group(3));
            int dst = Integer.parseInt(m.group(4));
            boolean fromClient = serverPorts.contains(dst);
            int client = fromClient ? src : dst;
            int server = fromClient ? dst : src;
            String key = client + ">" + server;
            Packet p = new Packet(Long.parseLong(m.group(1)) * 1_000_000 + Long.parseLong(m.group(2)),
                    fromClient ? Side.CLIENT : Side.SERVER, m.group(5), Integer.parseInt(m.group(6)));
            List<Packet> current = open.get(key);
            if (current == null || (fromClient && p.syn() && !p.flags().contains(".")
                    && current.stream().anyMatch(q -> q.fin() || q.rst()))) {
                // A new connection on this tuple: its SYN after the previous one ended.
                current = new ArrayList<>();
                open.put(key, current);
                all.add(new Conversation(client, server, current));
            }
            current.add(p);
        }
        return all;
    }

    @Override
    public void close() {
        tcpdump.destroyForcibly();
    }
}
