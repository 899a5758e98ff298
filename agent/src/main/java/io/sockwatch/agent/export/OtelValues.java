package io.sockwatch.agent.export;

import io.sockwatch.agent.config.Durations;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * One {@code otel.*} value at a time, checked by type as the SDK reads it, and the corrections made so far: a bad or
 * empty value is reported in one line, naming what is accepted and what applies instead, and replaced; a value the
 * SDK would misread only by its spaces or notation is rewritten silently. {@link OtelSettingsCheck} knows which keys
 * there are and what each must be.
 */
final class OtelValues {

    // What the SDK accepts as a duration: a whole number and one of its units, spaces allowed.
    private static final Pattern SDK_DURATION = Pattern.compile("\\s*\\d+\\s*(ns|us|ms|s|m|h|d)?\\s*");

    private final OtelSettings settings;
    private final Consumer<String> warn;
    /** Key to the value the SDK reads instead. */
    private final Map<String, String> byKey = new LinkedHashMap<>();

    OtelValues(OtelSettings settings, Consumer<String> warn) {
        this.settings = settings;
        this.warn = warn;
    }

    /** Key to the value the SDK reads instead, as it stands now. */
    Map<String, String> corrections() {
        return new LinkedHashMap<>(byKey);
    }

    /** Whether {@code key} was replaced. */
    boolean corrected(String key) {
        return byKey.containsKey(key);
    }

    /** Replaces {@code key} with no report: the caller has reported it, or the value only needed rewriting. */
    void replace(String key, String value) {
        byKey.put(key, value);
    }

    /** One of {@code accepted}, exactly (the SDK compares strings as they are); the value that applies. */
    String choice(String key, List<String> accepted, String accepts, String otherwise) {
        String given = settings.raw(key);
        if (given == null) {
            return otherwise;
        }
        String value = given.trim();
        if (accepted.contains(value)) {
            if (!value.equals(given)) {
                byKey.put(key, value);
            }
            return value;
        }
        correct(key, given, accepts, otherwise, otherwise);
        return otherwise;
    }

    /**
     * A duration as the SDK reads it, or with decimals ({@code 1.5s}), rewritten for the SDK; a bare number is
     * milliseconds, as OpenTelemetry specifies. Returns the value that applies, null when unset.
     */
    String duration(String key, String otherwise) {
        String given = settings.raw(key);
        if (given == null) {
            return null;
        }
        Durations.Written written = Durations.parse(given);
        if (written == null) {
            correct(key, given, "a duration such as 10s, 500ms or 1.5s", "", otherwise);
            return otherwise;
        }
        if (!SDK_DURATION.matcher(given).matches()) {
            byKey.put(key, Durations.format(written.duration()));
        }
        return given.trim();
    }

    void integer(String key, int min, String otherwise) {
        String given = settings.raw(key);
        if (given == null) {
            return;
        }
        try {
            if (Integer.parseInt(given.trim()) >= min) {
                if (!given.equals(given.trim())) {
                    byKey.put(key, given.trim()); // the SDK does not trim numbers
                }
                return;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        correct(key, given, min == 0 ? "a whole number, 0 or more" : "a whole number, 1 or more", "", otherwise);
    }

    void bool(String key, String otherwise) {
        String given = settings.raw(key);
        if (given == null) {
            return;
        }
        String value = given.trim();
        if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
            if (!value.equals(given)) {
                byKey.put(key, value); // the SDK reads " true" as false
            }
            return;
        }
        // The SDK reads anything but true as false, silently.
        correct(key, given, "true or false", "", otherwise);
    }

    static List<String> entries(String list) {
        List<String> entries = new ArrayList<>();
        for (String part : list.split(",")) {
            if (!part.isBlank()) {
                entries.add(part.trim());
            }
        }
        return entries;
    }

    void correct(String key, String given, String accepts, String replacement, String applies) {
        byKey.put(key, replacement);
        warn.accept("sockwatch: ignoring " + (given.isBlank() ? "empty " + key : key + "=" + given.trim())
                + ": expected " + accepts + "; using " + applies);
    }
}
