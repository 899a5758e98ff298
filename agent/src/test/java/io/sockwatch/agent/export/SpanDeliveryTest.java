package io.sockwatch.agent.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Every span handed to delivery ends up delivered or lost with a reason: never silently gone, never counted twice. */
class SpanDeliveryTest {

    /** An exporter whose answer to each batch the test decides; it records every batch it was given. */
    static final class ScriptedExporter implements SpanExporter {
        final List<Collection<SpanData>> batches = new ArrayList<>();
        final List<CompletableResultCode> results = new ArrayList<>();
        Function<Integer, CompletableResultCode> answer = n -> CompletableResultCode.ofSuccess();

        @Override
        public synchronized CompletableResultCode export(Collection<SpanData> spans) {
            batches.add(spans);
            CompletableResultCode r = answer.apply(batches.size());
            results.add(r);
            return r;
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }

        int spansSent() {
            return batches.stream().mapToInt(Collection::size).sum();
        }
    }

    private final DeliveryLedger ledger = new DeliveryLedger();
    private final ScriptedExporter exporter = new ScriptedExporter();

    private SpanDelivery delivery(int batchSize) {
        return new SpanDelivery(exporter, ledger, () -> null, batchSize, TimeUnit.SECONDS.toNanos(1));
    }

    /** Ends {@code n} spans through a provider that uses {@code delivery}, as the export thread does. */
    private void endSpans(SpanDelivery delivery, int n, Sampler sampler) {
        SdkTracerProvider provider = SdkTracerProvider.builder().setSampler(sampler).addSpanProcessor(delivery).build();
        for (int i = 0; i < n; i++) {
            ledger.handed();
            Span span = provider.get("test").spanBuilder("socket.connection").startSpan();
            span.end();
        }
    }

    @Test
    void fullBatchesLeaveAtOnceAndTheRestAtTheScheduleDelay() {
        SpanDelivery delivery = delivery(4);
        endSpans(delivery, 10, Sampler.alwaysOn());
        assertEquals(2, exporter.batches.size(), "two full batches of four");
        long now = System.nanoTime();
        delivery.tick(now);
        assertEquals(2, exporter.batches.size(), "the partial batch waits for the schedule delay");
        delivery.tick(now + TimeUnit.SECONDS.toNanos(2));
        assertEquals(3, exporter.batches.size());
        assertEquals(10, ledger.deliveredCount());
        assertEquals(0, ledger.pending());
        assertNull(ledger.closeBooks("exit"), "nothing lost, nothing to say");
    }

    @Test
    void recordedButUnsampledSpansAreNotLosses() {
        SpanDelivery delivery = delivery(4);
        Sampler recordOnly = new Sampler() {
            @Override
            public io.opentelemetry.sdk.trace.samplers.SamplingResult shouldSample(io.opentelemetry.context.Context c,
                    String traceId, String name, io.opentelemetry.api.trace.SpanKind kind,
                    io.opentelemetry.api.common.Attributes attributes, List<io.opentelemetry.sdk.trace.data.LinkData> l) {
                return io.opentelemetry.sdk.trace.samplers.SamplingResult.recordOnly();
            }

            @Override
            public String getDescription() {
                return "record only";
            }
        };
        endSpans(delivery, 6, recordOnly);
        delivery.finish(System.nanoTime() + TimeUnit.SECONDS.toNanos(1));
        assertEquals(0, exporter.spansSent());
        assertEquals(0, ledger.pending(), "each was counted as exempt, not left pending");
        assertNull(ledger.closeBooks("exit"));
    }

    @Test
    void aRefusedBatchIsRetriedAndThenDelivered() {
        exporter.answer = n -> n == 1 ? CompletableResultCode.ofExceptionalFailure(new ConnectException("Connection refused"))
                : CompletableResultCode.ofSuccess();
        SpanDelivery delivery = delivery(2);
        endSpans(delivery, 2, Sampler.alwaysOn());
        assertEquals(1, exporter.batches.size());
        delivery.tick(System.nanoTime());
        assertEquals(1, exporter.batches.size(), "the retry waits for its backoff");
        delivery.tick(System.nanoTime() + TimeUnit.SECONDS.toNanos(2));
        assertEquals(2, exporter.batches.size(), "retried after the backoff");
        assertEquals(2, ledger.deliveredCount());
        assertNull(ledger.closeBooks("exit"));
    }

    @Test
    void aRejectionThatWillNotChangeIsLostAtOnceWithItsReason() {
        exporter.answer = n -> CompletableResultCode.ofExceptionalFailure(new javax.net.ssl.SSLHandshakeException("no cert"));
        SpanDelivery delivery = delivery(3);
        endSpans(delivery, 3, Sampler.alwaysOn());
        delivery.tick(System.nanoTime() + TimeUnit.MINUTES.toNanos(1));
        assertEquals(1, exporter.batches.size(), "a TLS failure is not retried");
        assertEquals(Map.of("TLS failure with the collector (no cert)", 3L), ledger.lostByReason());
    }

    @Test
    void retriesStopAfterTheLastAttemptAndCountTheSpansOnce() {
        exporter.answer = n -> CompletableResultCode.ofExceptionalFailure(new ConnectException("Connection refused"));
        SpanDelivery delivery = delivery(5);
        endSpans(delivery, 5, Sampler.alwaysOn());
        long later = System.nanoTime();
        for (int i = 0; i < 10; i++) {
            later += TimeUnit.SECONDS.toNanos(20);
            delivery.tick(later);
        }
        assertEquals(SpanDelivery.MAX_ATTEMPTS, exporter.batches.size());
        assertEquals(Map.of("endpoint unreachable (connection refused)", 5L), ledger.lostByReason());
        assertEquals(0, ledger.pending());
    }

    @Test
    void aCollectorThatNeverAnswersCostsTheExitItsBudgetAndNoMore() {
        exporter.answer = n -> new CompletableResultCode(); // a black hole: never completes
        SpanDelivery delivery = delivery(100);
        endSpans(delivery, 7, Sampler.alwaysOn());
        long start = System.nanoTime();
        delivery.finish(start + TimeUnit.MILLISECONDS.toNanos(200));
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(tookMillis < 2_000, "finish returned at its deadline, not when the collector answered: " + tookMillis);
        assertEquals(7, exporter.spansSent(), "the last batch was sent");
        assertEquals(7, ledger.pending(), "sent, unanswered: still pending");
        assertEquals("sockwatch: 7 of 7 connection spans not delivered: 7 not answered at exit",
                ledger.closeBooks("not answered at exit"));
    }

    @Test
    void atExitBatchesWaitingForARetryAreTriedOnceMore() {
        exporter.answer = n -> n == 1 ? CompletableResultCode.ofExceptionalFailure(new ConnectException("Connection refused"))
                : CompletableResultCode.ofSuccess();
        SpanDelivery delivery = delivery(3);
        endSpans(delivery, 3, Sampler.alwaysOn());
        delivery.finish(System.nanoTime() + TimeUnit.SECONDS.toNanos(1));
        assertEquals(2, exporter.batches.size(), "the waiting batch is sent at exit, without its backoff");
        assertEquals(3, ledger.deliveredCount());
    }

    @Test
    void underALongOutageTheOldestBatchesAreDroppedAndCounted() {
        exporter.answer = n -> CompletableResultCode.ofExceptionalFailure(new ConnectException("Connection refused"));
        SpanDelivery delivery = delivery(1);
        int spans = 16 + 5; // the retry buffer holds 16 batches
        endSpans(delivery, spans, Sampler.alwaysOn());
        assertEquals(Map.of("endpoint unreachable (connection refused)", 5L), ledger.lostByReason(),
                "the five oldest batches made room for newer ones");
        assertEquals(16, ledger.pending());
    }

    @Test
    void theWarmUpIsNeitherDeliveredNorLost() {
        SpanDelivery delivery = delivery(4);
        delivery.warmUp(exporter);
        assertEquals(1, exporter.batches.size());
        assertTrue(exporter.batches.get(0).isEmpty());
        assertEquals(0, ledger.deliveredCount());
        assertNull(ledger.closeBooks("exit"));
    }
}
