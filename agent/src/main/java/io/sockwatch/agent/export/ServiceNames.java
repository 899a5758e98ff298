package io.sockwatch.agent.export;

/** A default {@code service.name} from the command line, so spans of different programs tell apart. */
final class ServiceNames {

    private ServiceNames() {
    }

    /** {@code -jar /opt/shop/shop-api.jar} gives {@code shop-api}; {@code com.example.Main} gives {@code Main}. */
    static String fromCommand(String command) {
        if (command == null || command.isBlank()) {
            return "unknown_service:java";
        }
        String first = command.trim().split("\\s+")[0];
        if (first.endsWith(".jar")) {
            String file = first.substring(Math.max(first.lastIndexOf('/'), first.lastIndexOf('\\')) + 1);
            return file.substring(0, file.length() - ".jar".length());
        }
        String simple = first.substring(first.lastIndexOf('.') + 1);
        return simple.isEmpty() ? "unknown_service:java" : simple;
    }
}
