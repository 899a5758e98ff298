package io.sockwatch.wire;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** tcpdump on the client host's interface, and what the capture says about who ended the connection. */
final class PacketCapture implements AutoCloseable {

    /** What crossed the wire. */
    record Summary(int packets, String firstEndSender, String firstEndFlags, boolean synAck, boolean icmpUnreachable,
                   List<String> lines) {
        /** "client", "server", "icmp", "no answer" or "no packet". */
        String verdict() {
            if (packets == 0) {
                return "no packet";
            }
            if (firstEndSender != null) {
                return firstEndSender + " " + firstEndFlags;
            }
            if (icmpUnreachable) {
                return "icmp";
            }
            return synAck ? "no FIN/RST" : "no answer";
        }
    }

    private static final Pattern TCP = Pattern.compile(
            "IP (\\d+\\.\\d+\\.\\d+\\.\\d+)\\.\\d+ > (\\d+\\.\\d+\\.\\d+\\.\\d+)\\.\\d+: Flags \\[([^\\]]*)\\]");

    private final Path file;
    private final Process tcpdump;
    private final Path log;

    PacketCapture(NetworkPair net, Path dir) throws IOException, InterruptedException {
        file = dir.resolve("capture.pcap");
        log = dir.resolve("tcpdump.log");
        tcpdump = new ProcessBuilder(NetworkPair.in(net.client,
                List.of("tcpdump", "-i", net.clientIf, "-nn", "--immediate-mode", "-U", "-w", file.toString())))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!(Files.exists(log) && Files.readString(log).contains("listening on"))) {
            if (System.nanoTime() > deadline || !tcpdump.isAlive()) {
                throw new IOException("tcpdump did not start: " + Files.readString(log));
            }
            Thread.sleep(20);
        }
    }

    Summary stop() throws IOException, InterruptedException {
        Thread.sleep(500); // the last packets
        tcpdump.destroy();
        tcpdump.waitFor(5, TimeUnit.SECONDS);
        List<String> lines = NetworkPair.run("tcpdump", "-nn", "-r", file.toString()).lines()
                .filter(l -> l.contains(" IP ")).toList();
        return summarize(lines);
    }

    static Summary summarize(List<String> lines) {
        String sender = null;
        String flags = null;
        boolean synAck = false;
        boolean icmp = false;
        for (String line : lines) {
            if (line.contains("ICMP") && line.contains("unreachable")) {
                icmp = true;
            }
            Matcher m = TCP.matcher(line);
            if (!m.find()) {
                continue;
            }
            String f = m.group(3);
            if (f.contains("S") && f.contains(".")) {
                synAck = true;
            }
            if (sender == null && (f.contains("F") || f.contains("R"))) {
                sender = m.group(1).equals(NetworkPair.CLIENT_IP) ? "client" : "server";
                flags = f.contains("R") ? "RST" : "FIN";
            }
        }
        return new Summary(lines.size(), sender, flags, synAck, icmp, lines);
    }

    @Override
    public void close() {
        tcpdump.destroyForcibly();
    }
}
