package io.sockwatch.agent.export;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.Meter;
import io.sockwatch.agent.classify.Operation;
import io.sockwatch.agent.classify.Verdict;
import io.sockwatch.agent.tracker.ConnectionState;
import io.sockwatch.agent.tracker.Role;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The metrics of telemetry contract v1 (docs/telemetry.md, Metrics), recorded on the export thread when a connection
 * is handed over: at its opening and at its ending. Nothing here runs on an application thread.
 */
public final class ConnectionMetrics {

    static final List<Double> IDLE_BUCKETS = List.of(0.01, 0.1, 1.0, 5.0, 10.0, 30.0, 32.0, 60.0, 62.0, 120.0,
            300.0, 350.0, 355.0, 600.0, 900.0, 905.0, 1800.0, 3600.0, 3610.0, 7200.0);
    static final List<Double> DURATION_BUCKETS = List.of(0.001, 0.01, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 300.0,
            900.0, 3600.0, 14400.0, 86400.0);
    static final List<Double> CONNECT_BUCKETS = List.of(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
            0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 75.0, 130.0);

    static final AttributeKey<String> SIGNAL = AttributeKey.stringKey("sockwatch.signal");

    private final LongCounter ended;
    private final DoubleHistogram duration;
    private final DoubleHistogram idleTime;
    private final LongUpDownCounter open;
    private final LongCounter connectFailed;
    private final DoubleHistogram connectDuration;
    private final PeerSetCap endingSets;
    private final PeerSetCap peerSets;
    private final PeerSetCap connectSets;
    private final MetricAttributes.Sets sets = new MetricAttributes.Sets();

    ConnectionMetrics(Meter meter, int maxPeerSets, DeliveryLedger ledger, ExportHealth health) {
        ended = meter.counterBuilder("sockwatch.connection.ended").setUnit("{connection}")
                .setDescription("Connections that ended, by who or what ended them first").build();
        duration = meter.histogramBuilder("sockwatch.connection.duration").setUnit("s")
                .setDescription("Established connections, from connect or accept to their ending")
                .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS).build();
        idleTime = meter.histogramBuilder("sockwatch.connection.idle_time").setUnit("s")
                .setDescription("Time from the last successful read or write to the ending")
                .setExplicitBucketBoundariesAdvice(IDLE_BUCKETS).build();
        open = meter.upDownCounterBuilder("sockwatch.connection.count").setUnit("{connection}")
                .setDescription("Tracked connections established and not ended yet").build();
        connectFailed = meter.counterBuilder("sockwatch.connect.failed").setUnit("{connection}")
                .setDescription("Connects that failed").build();
        connectDuration = meter.histogramBuilder("sockwatch.connect.duration").setUnit("s")
                .setDescription("From the connect call to its success or failure")
                .setExplicitBucketBoundariesAdvice(CONNECT_BUCKETS).build();
        meter.counterBuilder("sockwatch.span.dropped").setUnit("{span}")
                .setDescription("Connection spans lost while the application ran")
                .buildWithCallback(m -> dropped(ledger).forEach((type, n) ->
                        m.record(n, Attributes.of(MetricAttributes.ERROR_TYPE, type))));
        meter.counterBuilder("sockwatch.export.failed").setUnit("{request}")
                .setDescription("Export requests the collector did not take")
                .buildWithCallback(m -> health.failures().forEach((k, n) -> m.record(n,
                        Attributes.of(SIGNAL, k.signal(), MetricAttributes.ERROR_TYPE, k.errorType()))));
        endingSets = new PeerSetCap(maxPeerSets);
        peerSets = new PeerSetCap(maxPeerSets);
        connectSets = new PeerSetCap(maxPeerSets);
    }

    /** The connection was established: one more open, and a successful connect's duration. */
    void opened(ConnectionState c) {
        if (c.role() == Role.LISTENER) {
            return;
        }
        open.add(1, peerAttributes(c));
        c.countOpen(true);
        long connect = c.connectNanos();
        if (c.role() == Role.CLIENT && connect >= 0) {
            connectDuration.record(seconds(connect), connectAttributes(c, null));
        }
    }

    /** The connection ended: its ending, and for an established one its duration and idle time. */
    void ended(ConnectionState c) {
        Verdict verdict = c.verdict();
        if (verdict == null || c.role() == Role.LISTENER) {
            return;
        }
        Attributes ending = endingSets.admit(sets.of(MetricAttributes.endingKey(c, verdict, false)));
        if (ending == null) {
            ending = sets.of(MetricAttributes.endingKey(c, verdict, true));
        }
        ended.add(1, ending);
        boolean failedConnect = c.role() == Role.CLIENT && verdict.detectedBy() == Operation.CONNECT;
        if (failedConnect) {
            Attributes connect = connectAttributes(c, verdict);
            connectFailed.add(1, connect);
            long nanos = c.connectNanos();
            if (nanos >= 0) {
                connectDuration.record(seconds(nanos), connect);
            }
        } else if (c.role() == Role.SERVER || c.connectNanos() >= 0) {
            duration.record(seconds(c.durationNanos()), ending);
            idleTime.record(c.idleMillis() / 1_000.0, ending);
            if (c.role() == Role.CLIENT && !c.countedOpen()) {
                // Its opening was not handed over (a busy export queue): its connect is counted now.
                connectDuration.record(seconds(c.connectNanos()), connectAttributes(c, null));
            }
        }
        if (c.countedOpen()) {
            open.add(-1, peerAttributes(c));
            c.countOpen(false);
        }
    }

    private Attributes peerAttributes(ConnectionState c) {
        Attributes admitted = peerSets.admit(sets.of(MetricAttributes.peerKey(c, false)));
        return admitted != null ? admitted : sets.of(MetricAttributes.peerKey(c, true));
    }

    private Attributes connectAttributes(ConnectionState c, Verdict failure) {
        Attributes admitted = connectSets.admit(sets.of(MetricAttributes.connectKey(c, failure, false)));
        return admitted != null ? admitted : sets.of(MetricAttributes.connectKey(c, failure, true));
    }

    private static Map<String, Long> dropped(DeliveryLedger ledger) {
        Map<String, Long> byType = new HashMap<>();
        ledger.lostByReason().forEach((reason, n) -> byType.merge(ExportHealth.droppedType(reason), n, Long::sum));
        return byType;
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
