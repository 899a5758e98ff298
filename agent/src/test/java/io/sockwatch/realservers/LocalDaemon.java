package io.sockwatch.realservers;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A server process of the suite (postgres, redis-server, nginx) in a temp dir of its own, in the foreground so that
 * its PID is the one we hold, stopped by that PID with the signal its documentation names for a fast shutdown.
 */
final class LocalDaemon implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path dir;
    private final Path log;
    private final String stopSignal;

    private LocalDaemon(String name, Process process, Path dir, Path log, String stopSignal) {
        this.name = name;
        this.process = process;
        this.dir = dir;
        this.log = log;
        this.stopSignal = stopSignal;
    }

    /** Starts {@code command} with its output in {@code dir/<name>.log}; {@link #close} sends it {@code stopSignal}. */
    static LocalDaemon start(String name, Path dir, String stopSignal, List<String> command) throws IOException {
        Path log = dir.resolve(name + ".log");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        return new LocalDaemon(name, p, dir, log, stopSignal);
    }

    /** The first of {@code binaries} found on PATH or in {@code extraDirs}; a missing one fails the suite, named. */
    static Path binary(String binary, String debianPackage, List<Path> extraDirs) {
        Stream<Path> path = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .filter(s -> !s.isEmpty()).map(Path::of);
        Stream<Path> candidates = Stream.concat(Stream.concat(path, extraDirs.stream()),
                Stream.of(Path.of("/usr/sbin"), Path.of("/usr/bin"), Path.of("/sbin")));
        return candidates.map(d -> d.resolve(binary)).filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new IllegalStateException("RealServersIT needs '" + binary + "' (Debian package "
                        + debianPackage + "), found neither on PATH nor in " + extraDirs
                        + ": apt-get install " + debianPackage + " (.ci/run installs it)"));
    }

    /** A loopback port nobody listens on right now. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Waits until {@code port} accepts a connection (made by this JVM, which has no agent, before any capture). */
    void awaitPort(int port) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " before listening on "
                        + port + ":\n" + output());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + " is not listening on " + port + " after 30 s:\n"
                            + output());
                }
                Thread.sleep(50);
            }
        }
    }

    /** Waits until the log says {@code line}. */
    void awaitLog(String line) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!output().contains(line)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " never logged '" + line + "':\n" + output());
            }
            Thread.sleep(50);
        }
    }

    String output() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    Path dir() {
        return dir;
    }

    /** Sends the stop signal to our PID, waits 15 s, then kills; then removes the temp dir. */
    @Override
    public void close() throws IOException, InterruptedException {
        if (process.isAlive()) {
            new ProcessBuilder("kill", "-s", stopSignal, Long.toString(process.pid())).inheritIO().start()
                    .waitFor(5, TimeUnit.SECONDS);
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Runs a short command to completion (initdb); its output is in the exception when it fails. */
    static String run(Path dir, List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("sockwatch-realservers-", ".log");
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out: " + command + "\n" + Files.readString(out));
            }
            if (p.exitValue() != 0) {
                throw new IOException(command + " failed (" + p.exitValue() + "):\n" + Files.readString(out));
            }
            return Files.readString(out);
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
