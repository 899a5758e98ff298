package io.sockwatch.agent;

import io.sockwatch.agent.config.SockwatchConfig;
import io.sockwatch.agent.context.OtelApplicationTraces;
import io.sockwatch.agent.export.ConnectionSpans;
import io.sockwatch.agent.export.DeliveryLedger;
import io.sockwatch.agent.export.ExporterEndpoints;
import io.sockwatch.agent.export.SpanPipeline;
import io.sockwatch.agent.export.Telemetry;
import io.sockwatch.agent.instrumentation.AgentInstaller;
import io.sockwatch.agent.instrumentation.PeerStatePoll;
import io.sockwatch.agent.instrumentation.WovenClassCache;
import io.sockwatch.agent.tracker.ConnectionTracker;
import io.sockwatch.agent.tracker.PeerFilter;
import io.sockwatch.agent.tracker.TrackerSettings;
import io.sockwatch.bootstrap.SocketBridge;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Wires the layers together once the bridge is on the bootstrap class path: exporter, tracker, instrumentation.
 * Kept apart from {@link AgentStartup} because loading this class resolves the bridge types.
 */
final class AgentWiring {

    /** The digest of what shapes the woven classes, written by the build (agent/pom.xml, weaving-id). */
    private static final String WEAVING_ID = "io/sockwatch/agent/weaving.id";
    /** How long the close-path warm-up waits at most for OpenTelemetry's start (it never waits without an exporter). */
    private static final long WARM_UP_WAIT_MILLIS = 2_000;

    private AgentWiring() {
    }

    static void wire(SockwatchConfig config, Instrumentation inst, String version, boolean attached) {
        long t0 = System.nanoTime();
        loadJdkClassFileReader();
        List<String> problems = new ArrayList<>();
        PeerFilter excluded = PeerFilter.parse(config.excludedPeers(), problems);
        if (!problems.isEmpty()) {
            System.err.println("sockwatch: ignoring sockwatch.exclude.peers entries " + String.join(", ", problems)
                    + ": expected host, host:port, ip, ip:port, [ipv6]:port, cidr or *:port");
        }
        for (ExporterEndpoints.Endpoint e : Telemetry.exporterEndpoints(System.getProperties(), System.getenv(),
                config.otelArguments())) {
            excluded = excluded.plus(e.host(), e.port());
        }
        // The application's spans, read at connect, ending and close; its loaded API is noticed from now on.
        OtelApplicationTraces traces = new OtelApplicationTraces(config.debug() ? System.err::println : null);
        traces.watch(inst);
        // The SDK starts on the export thread: the application does not wait for it.
        DeliveryLedger ledger = new DeliveryLedger();
        boolean spans = config.spans() != SockwatchConfig.SpanMode.NONE
                && Telemetry.exportsTraces(System.getProperties(), System.getenv(), config.otelArguments());
        boolean metrics = Telemetry.exportsMetrics(System.getProperties(), System.getenv(), config.otelArguments());
        SpanPipeline pipeline = new SpanPipeline(config.queueSize(), spans, ledger,
                () -> Telemetry.start(System.getProperties(), System.getenv(), config.otelArguments(), version,
                        ledger, System.err::println, config.debug() ? System.err::println : null,
                        config.spans() == SockwatchConfig.SpanMode.NONE, true),
                telemetry -> spans ? new ConnectionSpans(telemetry.tracer(version),
                        config.spans() == SockwatchConfig.SpanMode.ERRORS, traces, ledger) : null,
                metrics, telemetry -> telemetry.connectionMetrics(version, config.metricsPeerSets()),
                System.err::println);
        // At once, before the tracker and the instrumentation: a short program's exit waits for OpenTelemetry's start
        // (a few hundred classes), which now overlaps the rest of the agent's start and the application's. Its
        // HTTP client may load JDK socket classes before the transformer is there: they are retransformed (and its
        // own connections are never observed, whenever they are made).
        if (spans || metrics) {
            pipeline.start();
        } // else nothing is ever exported: OpenTelemetry need not start at all, nor compete with the application
        ConnectionTracker tracker = new ConnectionTracker(
                // Call sites are read by spans only: without any, no stack is walked.
                new TrackerSettings(config.closeCallSite() && spans, config.openCallSite() && spans,
                        config.callSiteDepth(),
                        config.closeGrace().toNanos(), config.queueSize(), excluded, config.closePeerCheck(),
                        config.reuseIdleThreshold().isZero() ? Long.MAX_VALUE : config.reuseIdleThreshold().toNanos(),
                        attached, Set.copyOf(Telemetry.servedPorts(System.getProperties(), System.getenv(),
                                config.otelArguments())), config.spans() == SockwatchConfig.SpanMode.ERRORS),
                pipeline, traces);
        SocketBridge.install(tracker);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(tracker, pipeline, ledger, config.exitTimeout(),
                config.debug()),
                "sockwatch-shutdown"));

        long t1 = System.nanoTime();
        AgentInstaller.Installed installed = AgentInstaller.install(inst, tracker, wovenClassCache(config),
                config.debug());
        List<String> apis = installed.apis();
        // A second look at the loaded classes finds one the export thread was loading while the transformer was
        // installed. Then, once the inspectors are registered, the warm-up rehearses a close with each of them; but
        // only once OpenTelemetry has started: both are CPU, and a short program's exit waits for the latter (55 ms
        // of its startup on 2 cores), while a program that ends before has no close to warm up for.
        tracker.start(() -> {
            installed.retransformMissed();
            pipeline.awaitStarted(WARM_UP_WAIT_MILLIS);
        }, PeerStatePoll::warmUp, WarmUpSockets::unconnected);
        long t2 = System.nanoTime();
        if (config.debug()) {
            System.err.println("sockwatch " + version + ": observing " + apis + ", spans=" + config.spans()
                    .name().toLowerCase() + ", excluded peers: " + (excluded.isEmpty() ? "none" : "configured")
                    + "; started in " + (t2 - t0) / 1_000_000 + " ms (instrumentation " + (t2 - t1) / 1_000_000
                    + (spans || metrics ? " ms; OpenTelemetry starts in the background)"
                    : " ms; no exporter, so no OpenTelemetry)"));
        }
    }

    /**
     * The cache of woven classes the configuration names, or null: none configured, or this jar does not say what
     * its weaving is (a build without its weaving id must not reuse another build's classes).
     */
    private static WovenClassCache wovenClassCache(SockwatchConfig config) {
        Consumer<String> debug = config.debug() ? System.err::println : line -> { };
        if (config.cacheDir() == null) {
            debug.accept("sockwatch: no cache of woven classes (sockwatch.cache.dir=none)");
            return null;
        }
        String weavingId;
        try (InputStream in = AgentWiring.class.getClassLoader().getResourceAsStream(WEAVING_ID)) {
            weavingId = in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException | RuntimeException e) {
            weavingId = null;
        }
        if (weavingId == null || weavingId.isEmpty()) {
            debug.accept("sockwatch: no cache of woven classes (" + WEAVING_ID + " is missing from the agent jar)");
            return null;
        }
        String context = weavingId + "|" + System.getProperty("java.runtime.version") + "|"
                + System.getProperty("java.vm.version") + "|" + System.getProperty("java.vm.vendor");
        String owner = processOwner();
        if (owner == null) {
            debug.accept("sockwatch: no cache of woven classes (cannot tell which user this process runs as)");
            return null;
        }
        return WovenClassCache.open(config.cacheDir(), context, owner, System.err::println, debug);
    }

    /**
     * The user the cache must belong to, as the file system names owners: {@code user.name}, or, for a user the
     * system has no name for (a container's arbitrary uid, where the JVM says {@code ?}), the uid itself.
     */
    private static String processOwner() {
        String name = System.getProperty("user.name");
        if (name != null && !name.isBlank() && !name.equals("?")) {
            return name;
        }
        try {
            return String.valueOf(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Reads one JDK class file through its {@code jrt:} URL, as Byte Buddy's class file locator does, so that the
     * classes doing it ({@code sun.net.www.protocol.jrt.JavaRuntimeURLConnection$1} among them) are loaded before any
     * transformer is: with the OpenTelemetry Java agent attached too, their first load inside a transformation was
     * once seen to fail with a ClassCircularityError, and sockwatch lost java.net.Socket.
     */
    private static void loadJdkClassFileReader() {
        try (InputStream in = ClassLoader.getSystemResourceAsStream("java/lang/Object.class")) {
            if (in != null) {
                in.readAllBytes();
            }
        } catch (IOException | RuntimeException e) {
            // only a warm-up
        }
    }

    /**
     * Ends open connections as closed by the exit and delivers what it can within the exit budget; then says in
     * one line what was not delivered, and why.
     */
    private static void stop(ConnectionTracker tracker, SpanPipeline pipeline, DeliveryLedger ledger,
                             Duration budget, boolean debug) {
        long t0 = System.nanoTime();
        try {
            tracker.shutdown();
            pipeline.shutdown(budget.toMillis());
            String budgetText = budget.toMillis() % 1000 == 0 ? budget.toSeconds() + "s" : budget.toMillis() + "ms";
            String lost = ledger.closeBooks(pipeline.pendingReason(budgetText));
            pipeline.cancelExports();
            if (lost != null || tracker.droppedGracePeriods() > 0 || tracker.internalErrors() > 0) {
                System.err.println((lost != null ? lost : "sockwatch: every connection span delivered")
                        + (tracker.droppedGracePeriods() > 0 ? "; " + tracker.droppedGracePeriods()
                        + " connections ended without their grace period (sockwatch.queue.size)" : "")
                        + (tracker.internalErrors() > 0 ? "; " + tracker.internalErrors() + " internal errors" : ""));
            }
            if (debug) {
                System.err.println("sockwatch: exit took " + (System.nanoTime() - t0) / 1_000_000 + " ms, "
                        + ledger.deliveredCount() + " of " + ledger.handedCount() + " ended connections delivered");
            }
        } catch (Throwable t) {
            System.err.println("sockwatch: error while delivering spans at exit (" + t + ")");
        }
    }
}
