package io.sockwatch.agent.config;

import java.time.Duration;
import java.util.Locale;

/** Parses durations as OpenTelemetry settings write them: {@code 500ms}, {@code 2s}, {@code 1m}; a bare number is ms. */
final class Durations {

    private Durations() {
    }

    /** The duration, or null when {@code text} is not one. */
    static Duration parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        String unit;
        String number;
        if (t.endsWith("ms")) {
            unit = "ms";
            number = t.substring(0, t.length() - 2);
        } else if (t.endsWith("s") || t.endsWith("m")) {
            unit = t.substring(t.length() - 1);
            number = t.substring(0, t.length() - 1);
        } else {
            unit = "ms";
            number = t;
        }
        try {
            long n = Long.parseLong(number.trim());
            return switch (unit) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofMillis(n);
            };
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }
}
