package io.sockwatch.agent.export;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import java.io.PrintStream;
import java.util.Collection;

/**
 * {@code otel.metrics.exporter=console}: one line per series on standard error, cumulative. Replaces the SDK's
 * java.util.logging exporter for the reason {@link ConsoleSpanExporter} gives (and sockwatch keeps that log quiet).
 */
final class ConsoleMetricExporter implements MetricExporter {

    private final PrintStream out;

    ConsoleMetricExporter(PrintStream out) {
        this.out = out;
    }

    @Override
    public CompletableResultCode export(Collection<MetricData> metrics) {
        StringBuilder lines = new StringBuilder();
        for (MetricData metric : metrics) {
            for (PointData point : metric.getData().getPoints()) {
                lines.append("sockwatch: metric ").append(metric.getName()).append(point.getAttributes()).append(' ');
                if (point instanceof LongPointData l) {
                    lines.append(l.getValue());
                } else if (point instanceof HistogramPointData h) {
                    lines.append("count=").append(h.getCount()).append(" sum=").append(h.getSum())
                            .append(" bounds=").append(h.getBoundaries()).append(" counts=").append(h.getCounts());
                } else {
                    lines.append(point);
                }
                lines.append(' ').append(metric.getUnit()).append('\n');
            }
        }
        out.print(lines);
        out.flush();
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
        return AggregationTemporality.CUMULATIVE;
    }

    @Override
    public CompletableResultCode flush() {
        out.flush();
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        return flush();
    }
}
