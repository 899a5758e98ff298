package io.sockwatch.agent.tracker;

import java.util.Set;

/**
 * What the tracker needs from the configuration.
 *
 * @param closeCallSite whether to record where the application closed a socket (and used it after close)
 * @param openCallSite  whether to record where each connection was opened (costly; for hunting leaks)
 * @param callSiteDepth how many application frames to keep
 * @param graceNanos    how long a closed connection stays open for late signals before its span ends
 * @param maxPending    how many closed connections may wait for their grace period; beyond it they end at once
 * @param excluded      peers whose connections are not tracked
 * @param peerCheck     ask the kernel at close whether the peer had already closed (or reset) the connection
 * @param reuseIdleNanos the idle gap after which the next write first checks the peer (stale reuse);
 *                      {@code Long.MAX_VALUE} when off
 * @param adoptMidLife  attached to a running JVM: a socket first seen mid-life is tracked from then on
 * @param ownServerPorts ports sockwatch itself serves on (the Prometheus metrics endpoint): accepted connections on
 *                      them are never tracked
 * @param closeCallSiteOnErrors only error verdicts are exported as spans ({@code sockwatch.spans=errors}): a close's
 *                      call site is recorded only when its connection's verdict is an error by then
 */
public record TrackerSettings(boolean closeCallSite, boolean openCallSite, int callSiteDepth, long graceNanos,
                              int maxPending, PeerFilter excluded, boolean peerCheck, long reuseIdleNanos,
                              boolean adoptMidLife, Set<Integer> ownServerPorts, boolean closeCallSiteOnErrors) {

    /** Without a port of sockwatch's own. */
    public TrackerSettings(boolean closeCallSite, boolean openCallSite, int callSiteDepth, long graceNanos,
                           int maxPending, PeerFilter excluded, boolean peerCheck, long reuseIdleNanos,
                           boolean adoptMidLife) {
        this(closeCallSite, openCallSite, callSiteDepth, graceNanos, maxPending, excluded, peerCheck, reuseIdleNanos,
                adoptMidLife, Set.of(), false);
    }

    /** Without a port of sockwatch's own, the stale-reuse check or a runtime attach. */
    public TrackerSettings(boolean closeCallSite, boolean openCallSite, int callSiteDepth, long graceNanos,
                           int maxPending, PeerFilter excluded, boolean peerCheck) {
        this(closeCallSite, openCallSite, callSiteDepth, graceNanos, maxPending, excluded, peerCheck, Long.MAX_VALUE,
                false, Set.of(), false);
    }
}
