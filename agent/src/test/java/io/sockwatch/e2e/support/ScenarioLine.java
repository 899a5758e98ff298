package io.sockwatch.e2e.support;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A line a scenario program prints so that the test can pair its connections with the spans it receives:
 * {@code SCENARIO <name> key=value...}, such as {@code client_port=50123 server_port=40000} or
 * {@code path=/tmp/a.sock}.
 */
public record ScenarioLine(String name, Map<String, String> fields) {

    private static final String PREFIX = "SCENARIO ";

    public static ScenarioLine parse(String line) {
        String[] parts = line.substring(PREFIX.length()).trim().split(" +");
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("not key=value: " + parts[i] + " in " + line);
            }
            fields.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
        }
        return new ScenarioLine(parts[0], Map.copyOf(fields));
    }

    /** Every scenario line of the program's output, in order. */
    public static List<ScenarioLine> all(AgentJvm.Result result) {
        return result.lines(PREFIX).stream().map(ScenarioLine::parse).toList();
    }

    /** The line of scenario {@code name}; the program must have printed one. */
    public static ScenarioLine of(AgentJvm.Result result, String name) {
        return all(result).stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow(
                () -> new AssertionError("no SCENARIO " + name + " line in\n" + result.output()));
    }

    public String get(String key) {
        String value = fields.get(key);
        if (value == null) {
            throw new AssertionError("no " + key + " in " + this);
        }
        return value;
    }

    public long port(String key) {
        return Long.parseLong(get(key));
    }

    /** {@code client_port}: 0 when the connect never bound one. */
    public long clientPort() {
        return port("client_port");
    }

    public long serverPort() {
        return port("server_port");
    }
}
