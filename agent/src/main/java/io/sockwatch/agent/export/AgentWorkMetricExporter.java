package io.sockwatch.agent.export;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.sockwatch.agent.tracker.AgentWork;
import java.util.Collection;

/**
 * The metrics counterpart of {@link AgentWorkSpanExporter}: the exporter's work on the calling thread is never
 * observed, its failures are counted ({@link ExportHealth}) instead of logged, and only sockwatch's exit shuts it
 * down, without waiting (the SDK's own shutdown would wait seconds for a dead collector).
 */
final class AgentWorkMetricExporter implements MetricExporter {

    private final MetricExporter delegate;
    private final ExportHealth health;

    AgentWorkMetricExporter(MetricExporter delegate, ExportHealth health) {
        this.delegate = delegate;
        this.health = health;
    }

    @Override
    public CompletableResultCode export(Collection<MetricData> metrics) {
        return health.exportAsAgentWork(ExportHealth.METRICS, () -> delegate.export(metrics));
    }

    @Override
    public CompletableResultCode flush() {
        return AgentWork.run(delegate::flush);
    }

    /** Does nothing: {@link #shutdownExporter} is the real one, called at sockwatch's exit. */
    @Override
    public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
    }

    CompletableResultCode shutdownExporter() {
        return AgentWork.run(delegate::shutdown);
    }

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
        return delegate.getAggregationTemporality(instrumentType);
    }

    @Override
    public Aggregation getDefaultAggregation(InstrumentType instrumentType) {
        return delegate.getDefaultAggregation(instrumentType);
    }

    @Override
    public MemoryMode getMemoryMode() {
        return delegate.getMemoryMode();
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}
