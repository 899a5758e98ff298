package io.sockwatch.agent.export;

import io.opentelemetry.api.common.Attributes;
import java.util.HashSet;
import java.util.Set;

/**
 * The cardinality rule of one group of instruments: at most {@code max} distinct attribute sets with a peer; a set
 * first seen after that is counted in its overflow form (the peer replaced by {@code _OTHER}). A set admitted stays
 * admitted, so that an up-down counter's +1 and -1 always land on the same series. Used by the export thread only.
 */
final class PeerSetCap {

    private final int max;
    private final Set<Attributes> admitted = new HashSet<>();
    private long overflowed;

    PeerSetCap(int max) {
        this.max = Math.max(1, max);
    }

    /**
     * {@code withPeer} when it was admitted before or there is room; otherwise null, counted: the caller then uses
     * the overflow form (made only then, without a lambda allocated per measurement).
     */
    Attributes admit(Attributes withPeer) {
        if (admitted.contains(withPeer)) {
            return withPeer;
        }
        if (admitted.size() < max) {
            admitted.add(withPeer);
            return withPeer;
        }
        overflowed++;
        return null;
    }

    int admittedCount() {
        return admitted.size();
    }

    /** Measurements that went to the overflow bucket. */
    long overflowedCount() {
        return overflowed;
    }
}
