package io.sockwatch.agent.export;

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

    OtelSettings(Properties props, Map<String, String> env, Map<String, String> agentArguments) {
        this.props = props;
        this.env = env;
        this.agentArguments = agentArguments;
    }

    String get(String key) {
        String v = props.getProperty(key);
        if (v == null) {
            v = env.get(key.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT));
        }
        if (v == null) {
            v = agentArguments.get(key);
        }
        return v == null || v.isBlank() ? null : v.trim();
    }

    String get(String key, String defaultValue) {
        String v = get(key);
        return v == null ? defaultValue : v;
    }
}
