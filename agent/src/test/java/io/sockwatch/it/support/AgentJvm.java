package io.sockwatch.it.support;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@code main} class in a separate JVM, by default with the built agent jar:
 * {@code <javaHome>/bin/java -javaagent:<jar>[=args] <-D...> -cp <classpath> <mainClass> <args>}. The child's
 * stdout and stderr are captured together, in order. A child that outlives its timeout is killed and the run fails
 * with everything it printed.
 *
 * <p>The class path is {@code -Dsockwatch.it.classpath} (the test classes directory, set by the build) and nothing
 * else unless {@link #classpath(Path)} adds to it: the application must not see the agent's own dependencies.
 */
public final class AgentJvm {

    /** What the child did. */
    public record Result(List<String> command, int exitCode, String output, Duration elapsed) {

        /** Output lines that start with {@code prefix}. */
        public List<String> lines(String prefix) {
            return output.lines().filter(l -> l.startsWith(prefix)).toList();
        }

        /** The command, the exit code and the whole output: for failure messages. */
        public String describe() {
            return "$ " + String.join(" ", command) + "\nexit code " + exitCode + " after " + elapsed.toMillis()
                    + " ms\n--- child output ---\n" + output + (output.endsWith("\n") ? "" : "\n")
                    + "--- end of child output ---";
        }
    }

    private final Path javaHome;
    private final List<String> jvmArgs = new ArrayList<>();
    private final List<String> classpath = new ArrayList<>();
    private String agentArgs;
    private boolean agent = true;
    private Duration timeout = Duration.ofSeconds(30);

    public AgentJvm(Path javaHome) {
        this.javaHome = javaHome;
        classpath.add(defaultClasspath());
    }

    public AgentJvm(Jdks.Jdk jdk) {
        this(jdk.home());
    }

    /** The shaded agent jar the build made ({@code -Dsockwatch.agent.jar}); fails clearly when it is missing. */
    public static Path agentJar() {
        Path jar = Path.of(System.getProperty("sockwatch.agent.jar", "target/sockwatch-agent.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("agent jar " + jar.toAbsolutePath() + " is missing: run mvn package "
                    + "(the integration tests run in the verify phase, after the shaded jar is built)");
        }
        return jar;
    }

    /**
     * The settings that make the agent export every span to {@code receiver} over OTLP/HTTP protobuf, quickly,
     * under {@code serviceName} (the tests tell their runs apart by it).
     */
    public AgentJvm exportingTo(OtlpTraceReceiver receiver, String serviceName) {
        jvmArgs.add("-Dotel.traces.exporter=otlp");
        jvmArgs.add("-Dotel.exporter.otlp.protocol=http/protobuf");
        jvmArgs.add("-Dotel.exporter.otlp.traces.endpoint=" + receiver.endpoint());
        jvmArgs.add("-Dotel.metrics.exporter=none");
        jvmArgs.add("-Dotel.logs.exporter=none");
        jvmArgs.add("-Dotel.service.name=" + serviceName);
        jvmArgs.add("-Dotel.bsp.schedule.delay=200");
        return this;
    }

    /** A JVM option, e.g. {@code -Dsockwatch.spans=errors}. */
    public AgentJvm arg(String jvmArg) {
        jvmArgs.add(jvmArg);
        return this;
    }

    /** The text after {@code =} in {@code -javaagent:<jar>=...}. */
    public AgentJvm agentArgs(String args) {
        this.agentArgs = args;
        return this;
    }

    /** Runs the program without {@code -javaagent} (to attach later, or to test the harness). */
    public AgentJvm withoutAgent() {
        this.agent = false;
        return this;
    }

    /** Appends to the child's class path. */
    public AgentJvm classpath(Path entry) {
        classpath.add(entry.toAbsolutePath().toString());
        return this;
    }

    public AgentJvm timeout(Duration timeout) {
        this.timeout = timeout;
        return this;
    }

    /** The command line {@link #run} would execute. */
    public List<String> command(String mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(javaHome.resolve("bin").resolve("java").toString());
        if (agent) {
            command.add("-javaagent:" + agentJar().toAbsolutePath() + (agentArgs == null ? "" : "=" + agentArgs));
        }
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(String.join(File.pathSeparator, classpath));
        command.add(mainClass);
        command.addAll(List.of(args));
        return command;
    }

    public Result run(Class<?> main, String... args) throws IOException, InterruptedException {
        return run(main.getName(), args);
    }

    /**
     * Starts the child, waits for it to exit and returns what it did. On timeout the child (and anything it
     * started) is killed and an {@link AssertionError} carries everything it printed.
     */
    public Result run(String mainClass, String... args) throws IOException, InterruptedException {
        List<String> command = command(mainClass, args);
        Path out = Files.createTempFile("sockwatch-it-", ".log");
        try {
            long start = System.nanoTime();
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            boolean exited;
            try {
                exited = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                kill(p);
                throw e;
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            if (!exited) {
                kill(p);
                Result partial = new Result(command, -1, Files.readString(out, StandardCharsets.UTF_8), elapsed);
                throw new AssertionError("the child JVM did not exit within " + timeout.toMillis()
                        + " ms and was killed\n" + partial.describe());
            }
            return new Result(command, p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), elapsed);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static void kill(Process p) throws InterruptedException {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
    }

    /** {@code -Dsockwatch.it.classpath}, else the directory (or jar) this class was loaded from. */
    private static String defaultClasspath() {
        String configured = System.getProperty("sockwatch.it.classpath");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        try {
            return Path.of(AgentJvm.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException | RuntimeException e) {
            return "target/test-classes";
        }
    }
}
