package io.sockwatch.agent.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Parses {@code -javaagent:sockwatch-agent.jar=spans=errors,close.callsite=false,otel.service.name=shop}.
 *
 * <p>Entries are separated by commas; keys without a prefix are sockwatch settings ({@code spans} means
 * {@code sockwatch.spans}); keys starting with {@code otel.} configure the OpenTelemetry SDK. A part without
 * {@code =} continues the previous value, so lists read naturally: {@code exclude.peers=10.0.0.0/8,db:5432}.
 */
final class AgentArguments {

    private AgentArguments() {
    }

    static Map<String, String> parse(String agentArgs, Consumer<String> warn) {
        Map<String, String> result = new LinkedHashMap<>();
        if (agentArgs == null || agentArgs.isBlank()) {
            return result;
        }
        String lastKey = null;
        for (String part : agentArgs.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq < 0) {
                if (lastKey == null) {
                    warn.accept("sockwatch: ignoring agent argument '" + p + "': expected name=value, such as "
                            + "spans=errors");
                } else {
                    result.put(lastKey, result.get(lastKey) + "," + p);
                }
                continue;
            }
            String key = p.substring(0, eq).trim();
            String value = p.substring(eq + 1).trim();
            if (!key.startsWith("otel.") && !key.startsWith("sockwatch.")) {
                key = "sockwatch." + key;
            }
            result.put(key, value);
            lastKey = key;
        }
        return result;
    }
}
