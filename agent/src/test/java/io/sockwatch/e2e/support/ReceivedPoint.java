package io.sockwatch.e2e.support;

import java.util.List;
import java.util.Map;

/**
 * One data point of a metric as it arrived over OTLP: a sum's value, or a histogram's count, sum and buckets. Points
 * of cumulative metrics carry the total since the start, so a series' last point is its total.
 */
public record ReceivedPoint(String metric, String unit, String type, boolean monotonic, String temporality,
                            Map<String, Object> attributes, Map<String, Object> resource, String scope,
                            long timeNanos, long value, long count, double sum, List<Double> bounds,
                            List<Long> bucketCounts) {

    public String string(String key) {
        Object v = attributes.get(key);
        return v == null ? null : v.toString();
    }

    /** How many recorded values fell in the bucket whose upper bound is {@code upper} (inclusive). */
    public long inBucketUpTo(double upper) {
        int i = bounds.indexOf(upper);
        if (i < 0) {
            throw new AssertionError("no bucket bound " + upper + " in " + bounds);
        }
        return bucketCounts.get(i);
    }

    @Override
    public String toString() {
        return metric + attributes + (type.equals("HISTOGRAM") ? " count=" + count + " sum=" + sum
                + " counts=" + bucketCounts : " value=" + value);
    }
}
