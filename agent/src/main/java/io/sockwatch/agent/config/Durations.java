package io.sockwatch.agent.config;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations as people write them in settings: {@code 250ms}, {@code 1.5s}, {@code 2m}. OpenTelemetry's own
 * parser takes whole numbers only; sockwatch accepts decimals too, for its settings and (rewritten to a form the SDK
 * reads) for the {@code otel.*} durations it checks.
 */
public final class Durations {

    /** What a setting said: how long, and whether it named a unit (OpenTelemetry reads a bare number as ms). */
    public record Written(Duration duration, boolean unitless) {
    }

    // The SDK's units; a number with no unit is milliseconds there.
    private static final Map<String, Long> NANOS_PER_UNIT = Map.of(
            "ns", 1L, "us", 1_000L, "ms", 1_000_000L, "s", 1_000_000_000L, "m", 60_000_000_000L,
            "h", 3_600_000_000_000L, "d", 86_400_000_000_000L);

    private static final Pattern FORM = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)\\s*([a-z]*)");

    private Durations() {
    }

    /**
     * The duration, or null when {@code text} is not one: a number that is not negative, with a unit among ns, us,
     * ms, s, m, h and d, or none (then milliseconds, and {@link Written#unitless()} says so).
     */
    public static Written parse(String text) {
        Matcher m = FORM.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return null;
        }
        String unit = m.group(2);
        Long perUnit = NANOS_PER_UNIT.get(unit.isEmpty() ? "ms" : unit);
        if (perUnit == null) {
            return null;
        }
        BigDecimal nanos = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(perUnit))
                .setScale(0, RoundingMode.HALF_UP);
        // The SDK and the tracker hold durations as long nanoseconds.
        if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            return null;
        }
        return new Written(Duration.ofNanos(nanos.longValueExact()), unit.isEmpty());
    }

    /** The shortest exact way to write {@code d} with one unit: {@code 1500ms}, {@code 2s}, {@code 250us}. */
    public static String format(Duration d) {
        long nanos = d.toNanos();
        if (nanos == 0) {
            return "0ms";
        }
        String best = nanos + "ns";
        for (String unit : new String[] {"us", "ms", "s", "m", "h"}) {
            long per = NANOS_PER_UNIT.get(unit);
            if (nanos % per == 0) {
                best = nanos / per + unit;
            }
        }
        return best;
    }
}
