package io.sockwatch.agent.export;

import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.internal.otlp.traces.LowAllocationTraceRequestMarshaler;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.sockwatch.agent.tracker.ConnectionState;
import io.sockwatch.agent.tracker.ConnectionTracker;
import io.sockwatch.agent.tracker.PeerFilter;
import io.sockwatch.agent.tracker.TestConnections;
import io.sockwatch.agent.tracker.TrackerSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What the export thread spends per churned connection (a client and a server span, as in the churn workload):
 * building the span from the ended connection, and the OTLP marshalling of its batch (sizes, then bytes, as the
 * OTLP/HTTP exporter does in its default memory mode); and separately, recording the connection's metrics. One
 * thread, no network: the part of the churn cost that sockwatch's own code decides. {@code -prof gc} for B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ExportPathBenchmark {

    static final int BATCH = 512;

    private ConnectionTracker tracker;
    private SdkTracerProvider tracerProvider;
    private SdkMeterProvider meterProvider;
    private ConnectionSpans spans;
    private ConnectionMetrics metrics;
    private final List<ConnectionState> ended = new ArrayList<>();
    private final List<SpanData> batch = new ArrayList<>(BATCH);
    private final LowAllocationTraceRequestMarshaler marshaler = new LowAllocationTraceRequestMarshaler();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        tracker = new ConnectionTracker(new TrackerSettings(true, false, 5, 0, 4 * BATCH,
                PeerFilter.parse(List.of(), new ArrayList<>()), false, Long.MAX_VALUE, false), ended::add);
        SocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), 8080);
        SocketAddress client = new InetSocketAddress(InetAddress.getLoopbackAddress(), 41234);
        tracker.registerInspector("client", TestConnections.fixedAddresses(server, client));
        tracker.registerInspector("server", TestConnections.fixedAddresses(client, server));
        tracker.start(() -> { }, () -> new Object[0]);
        for (int i = 0; i < BATCH / 2; i++) {
            Object c = new Object();
            Object s = new Object();
            tracker.connectStarted(c, new InetSocketAddress("localhost", 8080), 0, "client");
            tracker.connectEnded(c, null);
            tracker.acceptEnded(new Object(), s, null, "server");
            tracker.write(c, 16, null);
            tracker.read(s, 16, null);
            tracker.write(s, 16, null);
            tracker.read(c, 16, null);
            tracker.closing(c);
            tracker.closing(s);
        }
        tracerProvider = SdkTracerProvider.builder().addSpanProcessor(new SpanProcessor() {
            @Override
            public void onStart(Context parentContext, ReadWriteSpan span) {
            }

            @Override
            public boolean isStartRequired() {
                return false;
            }

            @Override
            public void onEnd(ReadableSpan span) {
                batch.add(span.toSpanData());
            }

            @Override
            public boolean isEndRequired() {
                return true;
            }
        }).build();
        spans = new ConnectionSpans(tracerProvider.get("io.sockwatch"), false);
        meterProvider = SdkMeterProvider.builder().registerMetricReader(PeriodicMetricReader.builder(new MetricExporter() {
            @Override
            public CompletableResultCode export(Collection<MetricData> metrics) {
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode flush() {
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode shutdown() {
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public AggregationTemporality getAggregationTemporality(
                    io.opentelemetry.sdk.metrics.InstrumentType instrumentType) {
                return AggregationTemporality.CUMULATIVE;
            }
        }).setInterval(Duration.ofHours(1)).build()).build();
        metrics = new ConnectionMetrics(meterProvider.get("io.sockwatch"), 1000, new DeliveryLedger(),
                new ExportHealth());
        if (ended.size() != BATCH) {
            throw new IllegalStateException("ended " + ended.size());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        tracker.shutdown();
        tracerProvider.close();
        meterProvider.close();
    }

    /** Per span: built from the ended connection, then its share of the OTLP request, sizes and bytes. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int spanBuiltAndMarshalled() throws IOException {
        batch.clear();
        for (ConnectionState c : ended) {
            spans.write(c);
        }
        out.reset();
        marshaler.initialize(batch);
        try {
            marshaler.writeBinaryTo(out);
        } finally {
            marshaler.reset();
        }
        return out.size();
    }

    /** Per connection end (one side): its opening and its ending, recorded in the metrics. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void metricsRecorded() {
        for (ConnectionState c : ended) {
            metrics.opened(c);
            metrics.ended(c);
        }
    }
}
