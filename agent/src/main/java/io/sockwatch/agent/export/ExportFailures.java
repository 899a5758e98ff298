package io.sockwatch.agent.export;

import io.opentelemetry.exporter.internal.FailedExportException;
import io.opentelemetry.sdk.common.export.GrpcResponse;
import io.opentelemetry.sdk.common.export.HttpResponse;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;

/**
 * Names why an export failed in the words an operator acts on (unreachable, timed out, rejected with status N),
 * and whether trying the same batch again may help.
 */
final class ExportFailures {

    /** A failed export: why, and whether a later attempt may succeed. */
    record Failure(String reason, boolean retryable) {
    }

    /** HTTP statuses that mean "later", as in the OTLP specification. */
    private static final Set<Integer> RETRYABLE_HTTP = Set.of(429, 502, 503, 504);
    /** gRPC codes that mean "later": CANCELLED, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, OUT_OF_RANGE, UNAVAILABLE, DATA_LOSS. */
    private static final Set<Integer> RETRYABLE_GRPC = Set.of(1, 4, 8, 10, 11, 14, 15);

    private ExportFailures() {
    }

    /**
     * @param failure    what the export result failed with, or null
     * @param causeWhenUnsaid finds a cause for exporters that fail without one (Zipkin); asked only then
     */
    static Failure describe(Throwable failure, Supplier<? extends Throwable> causeWhenUnsaid) {
        if (failure instanceof FailedExportException.HttpExportException http && http.failedWithResponse()) {
            HttpResponse r = http.getResponse();
            int status = r == null ? -1 : r.getStatusCode();
            return new Failure("rejected by the collector with HTTP status " + status, RETRYABLE_HTTP.contains(status));
        }
        if (failure instanceof FailedExportException.GrpcExportException grpc && grpc.failedWithResponse()) {
            GrpcResponse r = grpc.getResponse();
            int code = r == null ? -1 : r.getStatusCode().getValue();
            String name = r == null ? "unknown" : r.getStatusCode().name();
            return new Failure("rejected by the collector with gRPC status " + name, RETRYABLE_GRPC.contains(code));
        }
        Throwable cause = failure instanceof FailedExportException ? failure.getCause() : failure;
        if (cause == null) {
            cause = causeWhenUnsaid.get();
        }
        return fromCause(cause);
    }

    static Failure fromCause(Throwable cause) {
        // The innermost cause is the kernel's word ("Connection refused"); wrappers add only "failed to connect".
        Throwable known = null;
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException || t instanceof NoRouteToHostException || t instanceof UnknownHostException
                    || t instanceof HttpTimeoutException || t instanceof InterruptedIOException
                    || t instanceof SSLException) {
                known = t;
            }
        }
        if (known instanceof NoRouteToHostException) {
            return new Failure("endpoint unreachable (no route to host)", true);
        }
        if (known instanceof UnknownHostException) {
            return new Failure("endpoint unreachable (unknown host " + known.getMessage() + ")", true);
        }
        if (known instanceof ConnectException) {
            String m = known.getMessage();
            return new Failure("endpoint unreachable (" + (m == null || m.isBlank() || m.contains("refused")
                    ? "connection refused" : m.toLowerCase(Locale.ROOT)) + ")", true);
        }
        if (known instanceof HttpConnectTimeoutException
                || (known instanceof SocketTimeoutException && String.valueOf(known.getMessage()).toLowerCase(Locale.ROOT).contains("connect"))) {
            return new Failure("timed out connecting to the collector", true);
        }
        if (known instanceof HttpTimeoutException || known instanceof InterruptedIOException) {
            return new Failure("timed out waiting for the collector", true);
        }
        if (known instanceof SSLException) {
            return new Failure("TLS failure with the collector (" + known.getMessage() + ")", false);
        }
        if (cause == null) {
            return new Failure("export failed", true);
        }
        return new Failure("export failed (" + cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : ": " + cause.getMessage()) + ")", true);
    }
}
