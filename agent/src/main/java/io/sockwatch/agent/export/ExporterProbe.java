package io.sockwatch.agent.export;

import io.sockwatch.agent.tracker.AgentWork;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Names the cause of a failed export that came without one (the Zipkin exporter only logs it, and at exit the
 * JDK's logging may already be shut down): one short TCP connect to the collector tells "refused" or "timed
 * out" from "answered, but with an error". At most one probe per few seconds; never observed by sockwatch.
 */
final class ExporterProbe {

    private static final int CONNECT_TIMEOUT_MILLIS = 250;
    private static final long REUSE_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final List<ExporterEndpoints.Endpoint> endpoints;
    private long probedAt;
    private IOException lastResult;
    private boolean probed;

    ExporterProbe(List<ExporterEndpoints.Endpoint> endpoints) {
        this.endpoints = List.copyOf(endpoints);
    }

    /** The connect failure to the first collector endpoint, or null when it accepts connections (or there is none). */
    synchronized IOException connectFailure() {
        long now = System.nanoTime();
        if (endpoints.isEmpty() || (probed && now - probedAt < REUSE_NANOS)) {
            return lastResult;
        }
        ExporterEndpoints.Endpoint e = endpoints.get(0);
        lastResult = AgentWork.run(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(e.host(), e.port()), CONNECT_TIMEOUT_MILLIS);
                return null;
            } catch (IOException failure) {
                return failure;
            }
        });
        probed = true;
        probedAt = now;
        return lastResult;
    }
}
