package io.sockwatch.e2e.support;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** Decodes OTLP metrics requests into {@link ReceivedPoint}s, and picks the last point of each series. */
public final class ReceivedMetrics {

    private ReceivedMetrics() {
    }

    static List<ReceivedPoint> decode(ExportMetricsServiceRequest request) {
        List<ReceivedPoint> points = new ArrayList<>();
        for (ResourceMetrics rm : request.getResourceMetricsList()) {
            Map<String, Object> resource = OtlpReceiver.attributes(rm.getResource().getAttributesList());
            for (ScopeMetrics sm : rm.getScopeMetricsList()) {
                for (Metric m : sm.getMetricsList()) {
                    String scope = sm.getScope().getName();
                    switch (m.getDataCase()) {
                        case SUM -> {
                            for (NumberDataPoint p : m.getSum().getDataPointsList()) {
                                points.add(new ReceivedPoint(m.getName(), m.getUnit(), "SUM",
                                        m.getSum().getIsMonotonic(), m.getSum().getAggregationTemporality().name(),
                                        OtlpReceiver.attributes(p.getAttributesList()), resource, scope,
                                        p.getTimeUnixNano(), p.getAsInt(), 0, 0, List.of(), List.of()));
                            }
                        }
                        case GAUGE -> {
                            for (NumberDataPoint p : m.getGauge().getDataPointsList()) {
                                points.add(new ReceivedPoint(m.getName(), m.getUnit(), "GAUGE", false, "",
                                        OtlpReceiver.attributes(p.getAttributesList()), resource, scope,
                                        p.getTimeUnixNano(), p.getAsInt(), 0, 0, List.of(), List.of()));
                            }
                        }
                        case HISTOGRAM -> {
                            for (HistogramDataPoint p : m.getHistogram().getDataPointsList()) {
                                points.add(new ReceivedPoint(m.getName(), m.getUnit(), "HISTOGRAM", false,
                                        m.getHistogram().getAggregationTemporality().name(),
                                        OtlpReceiver.attributes(p.getAttributesList()), resource, scope,
                                        p.getTimeUnixNano(), 0, p.getCount(), p.getSum(),
                                        List.copyOf(p.getExplicitBoundsList()), List.copyOf(p.getBucketCountsList())));
                            }
                        }
                        default -> {
                            // sockwatch exports no other kind
                        }
                    }
                }
            }
        }
        return points;
    }

    /** The last point of each series (metric and attributes) of {@code service}, in order of first arrival. */
    public static List<ReceivedPoint> latest(List<ReceivedPoint> all, String service) {
        Map<List<Object>, ReceivedPoint> last = new LinkedHashMap<>();
        for (ReceivedPoint p : all) {
            if (service.equals(p.resource().get("service.name"))) {
                List<Object> series = List.of(p.metric(), p.attributes());
                ReceivedPoint before = last.get(series);
                if (before == null || before.timeNanos() <= p.timeNanos()) {
                    last.put(series, p);
                }
            }
        }
        return List.copyOf(last.values());
    }

    /** The points of {@code metric} that match {@code filter}. */
    public static List<ReceivedPoint> of(List<ReceivedPoint> latest, String metric, Predicate<ReceivedPoint> filter) {
        return latest.stream().filter(p -> p.metric().equals(metric) && filter.test(p)).toList();
    }

    /** The sum of the values (counters) or counts (histograms) of {@code metric} over the series matching
     * {@code filter}. */
    public static long total(List<ReceivedPoint> latest, String metric, Predicate<ReceivedPoint> filter) {
        return of(latest, metric, filter).stream().mapToLong(p -> p.type().equals("HISTOGRAM") ? p.count() : p.value())
                .sum();
    }
}
