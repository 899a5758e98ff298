package io.sockwatch.e2e.support;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Runs a program in a separate JVM with the built agent jar, exporting over OTLP to a receiver. */
public final class AgentJvm {

    /** What the child did, and when it was gone (epoch millis). */
    public record Result(int exitCode, String output, long endedAtMillis) {
        /** Lines the scenario programs print to pair spans with scenarios. */
        public List<String> lines(String prefix) {
            return output.lines().filter(l -> l.startsWith(prefix)).toList();
        }

        /** How long the JVM took to exit after the program's {@code MAIN_END <epoch millis>} line. */
        public long exitMillis() {
            List<String> end = lines("MAIN_END ");
            if (end.isEmpty()) {
                throw new AssertionError("the program printed no MAIN_END line:\n" + output);
            }
            return endedAtMillis - Long.parseLong(end.get(0).substring("MAIN_END ".length()).trim());
        }

        /** The child's output and {@code spans}, to append to a failure message. */
        public String explain(List<ReceivedSpan> spans) {
            return "\n--- child output ---\n" + output + "\n--- spans ---\n"
                    + spans.stream().map(ReceivedSpan::toString).collect(Collectors.joining("\n"));
        }
    }

    private final Path javaHome;
    private final List<String> jvmArgs = new ArrayList<>();
    /** Arguments before sockwatch's -javaagent: another agent that is to start first. */
    private final List<String> firstArgs = new ArrayList<>();
    private final List<String> classpath = new ArrayList<>();
    private String agentArgs;
    private boolean agent = true;

    public AgentJvm(Path javaHome) {
        this.javaHome = javaHome;
        classpath.add(System.getProperty("sockwatch.it.classpath", "target/test-classes"));
    }

    public static Path agentJar() {
        Path jar = Path.of(System.getProperty("sockwatch.agent.jar", "target/sockwatch-agent.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("agent jar " + jar.toAbsolutePath() + " is missing: run mvn package");
        }
        return jar;
    }

    /** Standard export settings towards {@code receiver}. */
    public AgentJvm exportingTo(OtlpReceiver receiver, String serviceName) {
        return exporting("http/protobuf", receiver.endpoint(), receiver.metricsEndpoint(), serviceName);
    }

    /** The same settings over OTLP/gRPC, towards {@code receiver}. */
    public AgentJvm exportingTo(OtlpGrpcReceiver receiver, String serviceName) {
        return exporting("grpc", receiver.endpoint(), null, serviceName);
    }

    private AgentJvm exporting(String protocol, String endpoint, String metricsEndpoint, String serviceName) {
        jvmArgs.add("-Dotel.traces.exporter=otlp");
        jvmArgs.add("-Dotel.exporter.otlp.protocol=" + protocol);
        jvmArgs.add("-Dotel.exporter.otlp.traces.endpoint=" + endpoint);
        // Metrics (on by default) go to the same receiver, never to whatever listens on the default port.
        jvmArgs.add(metricsEndpoint == null ? "-Dotel.metrics.exporter=none"
                : "-Dotel.exporter.otlp.metrics.endpoint=" + metricsEndpoint);
        jvmArgs.add("-Dotel.bsp.schedule.delay=200");
        jvmArgs.add("-Dotel.service.name=" + serviceName);
        // These tests judge verdicts, not the exit budget (ExitBudgetIT does): a program shorter than
        // OpenTelemetry's start waits for it at exit rather than lose its spans.
        jvmArgs.add("-Dsockwatch.exit.timeout=20s");
        return this;
    }

    /**
     * sockwatch's metrics settings as agent arguments only, towards {@code receiver}: no system property names a
     * metrics exporter or endpoint, so another agent in the JVM takes its own from its own configuration.
     */
    public AgentJvm metricsOnlyInAgentArguments(OtlpReceiver receiver) {
        jvmArgs.removeIf(a -> a.startsWith("-Dotel.exporter.otlp.metrics.endpoint=")
                || a.startsWith("-Dotel.metrics.exporter="));
        return agentArgs("otel.exporter.otlp.metrics.endpoint=" + receiver.metricsEndpoint());
    }

    /**
     * Serves and trusts TLS with a self-signed certificate for localhost and 127.0.0.1, through the JDK's system
     * properties. The keystore is made once for all the ITs of this JVM.
     */
    public AgentJvm localhostTls() throws IOException, InterruptedException {
        Path keystore = localhostKeystore();
        for (String store : List.of("keyStore", "trustStore")) {
            jvmArgs.add("-Djavax.net.ssl." + store + "=" + keystore);
            jvmArgs.add("-Djavax.net.ssl." + store + "Password=changeit");
            jvmArgs.add("-Djavax.net.ssl." + store + "Type=PKCS12");
        }
        return this;
    }

    private static Path localhostKeystore;

    private static synchronized Path localhostKeystore() throws IOException, InterruptedException {
        if (localhostKeystore == null) {
            Path keystore = Files.createTempDirectory("sockwatch-tls").resolve("localhost.p12");
            Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-alias", "localhost", "-keyalg", "RSA", "-keysize", "2048", "-storetype", "PKCS12",
                    "-keystore", keystore.toString(), "-storepass", "changeit", "-dname", "CN=localhost",
                    "-validity", "2", "-ext", "SAN=dns:localhost,ip:127.0.0.1").inheritIO().start();
            if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
                throw new IllegalStateException("keytool made no certificate in " + keystore);
            }
            localhostKeystore = keystore;
        }
        return localhostKeystore;
    }

    /** Puts the third-party libraries the build copied for the ITs (Jetty, Netty...) on the class path. */
    public AgentJvm withThirdPartyLibraries() throws IOException {
        return withCopiedLibraries("-thirdparty");
    }

    /** Puts the client libraries the build copied for RealServersIT (pgjdbc, HikariCP, Jedis, HttpClient 5) on the
     * class path. */
    public AgentJvm withRealServerClients() throws IOException {
        return withCopiedLibraries("-realservers");
    }

    /** Puts the OpenTelemetry API and SDK the build copied on the class path: an application traced by itself. */
    public AgentJvm withApplicationSdk() throws IOException {
        return withCopiedLibraries("-appsdk");
    }

    /** The OpenTelemetry Java agent jar the build copied. */
    public static Path otelJavaAgent() {
        Path jar = Path.of(System.getProperty("sockwatch.it.otelagent", "target/it-otel-agent/opentelemetry-javaagent.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("OpenTelemetry Java agent " + jar.toAbsolutePath() + " is missing: run mvn verify");
        }
        return jar;
    }

    /** Netty {@code 41} or {@code 42} with its native transports, as the build copied them for NettyNativeIT. */
    public AgentJvm withNetty(int line) throws IOException {
        return withCopiedLibraries("-netty" + line);
    }

    /** The libraries the build copied into {@code it-libs<suffix>}. */
    public AgentJvm withCopiedLibraries(String suffix) throws IOException {
        Path dir = Path.of(System.getProperty("sockwatch.it.libs", "target/it-libs") + suffix);
        try (Stream<Path> jars = Files.list(dir)) {
            jars.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(this::classpath);
        }
        return this;
    }

    public AgentJvm arg(String jvmArg) {
        jvmArgs.add(jvmArg);
        return this;
    }

    /** Another Java agent, started before sockwatch's ({@code first}) or after it. */
    public AgentJvm otherAgent(Path jar, boolean first) {
        (first ? firstArgs : jvmArgs).add("-javaagent:" + jar.toAbsolutePath());
        return this;
    }

    public AgentJvm agentArgs(String args) {
        this.agentArgs = args;
        return this;
    }

    public AgentJvm withoutAgent() {
        this.agent = false;
        return this;
    }

    public AgentJvm classpath(Path entry) {
        classpath.add(entry.toString());
        return this;
    }

    public Result run(Class<?> main, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(javaHome.resolve("bin/java").toString());
        command.addAll(firstArgs);
        if (agent) {
            command.add("-javaagent:" + agentJar().toAbsolutePath() + (agentArgs == null ? "" : "=" + agentArgs));
        }
        command.addAll(jvmArgs);
        if (agent && jvmArgs.stream().noneMatch(a -> a.startsWith("-Dsockwatch.cache.dir="))) {
            // The woven classes of the ITs stay in the build, not in the home of whoever runs them.
            command.add("-Dsockwatch.cache.dir=" + Path.of(System.getProperty("sockwatch.it.cache",
                    "target/it-woven-cache")).toAbsolutePath());
        }
        command.add("-cp");
        command.add(String.join(File.pathSeparator, classpath));
        command.add(main.getName());
        command.addAll(List.of(args));
        Path out = Files.createTempFile("sockwatch-it-", ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("timed out: " + command + "\n" + Files.readString(out));
        }
        long ended = System.currentTimeMillis();
        String output = Files.readString(out, StandardCharsets.UTF_8);
        Files.deleteIfExists(out);
        return new Result(p.exitValue(), output, ended);
    }
}
