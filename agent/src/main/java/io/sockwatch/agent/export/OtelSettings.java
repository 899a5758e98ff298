package io.sockwatch.agent.export;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Reads standard {@code otel.*} settings the way the OpenTelemetry SDK autoconfiguration does (system property,
 * then {@code OTEL_*} environment variable), with sockwatch agent arguments as the lowest layer.
 */
final class OtelSettings {

    private final Properties props;
    private final Map<String, String> env;
    private final Map<String, String> agentArguments;
    private final Map<String, String> overrides;

    OtelSettings(Properties props, Map<String, String> env, Map<String, String> agentArguments) {
        this(props, env, agentArguments, Map.of());
    }

    private OtelSettings(Properties props, Map<String, String> env, Map<String, String> agentArguments,
                         Map<String, String> overrides) {
        this.props = props;
        this.env = env;
        this.agentArguments = agentArguments;
        this.overrides = overrides;
    }

    /**
     * These settings with {@code overrides} above every layer, as the SDK applies a properties customizer's map. An
     * empty override reads as unset, as it does for the SDK's typed and list settings.
     */
    OtelSettings withOverrides(Map<String, String> more) {
        Map<String, String> all = new HashMap<>(overrides);
        all.putAll(more);
        return new OtelSettings(props, env, agentArguments, all);
    }

    String get(String key) {
        String v = raw(key);
        return v == null || v.isBlank() ? null : v.trim();
    }

    String get(String key, String defaultValue) {
        String v = get(key);
        return v == null ? defaultValue : v;
    }

    /** The value exactly as given, blank or not, or null when no layer sets {@code key}. */
    String raw(String key) {
        String v = overrides.get(key);
        if (v == null) {
            v = props.getProperty(key);
        }
        if (v == null) {
            v = env.get(key.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT));
        }
        if (v == null) {
            v = agentArguments.get(key);
        }
        return v;
    }
}
