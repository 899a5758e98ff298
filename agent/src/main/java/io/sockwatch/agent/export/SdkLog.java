package io.sockwatch.agent.export;

import io.opentelemetry.api.OpenTelemetry;
import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Keeps the private SDK's java.util.logging output off the application's stderr. Its export failures would
 * otherwise print a stack trace per batch; sockwatch counts them itself and says so once, in the exit line.
 * With {@code sockwatch.debug=true} each record is printed as one line, without its stack trace.
 */
final class SdkLog extends Handler {

    /** Held strongly: java.util.logging keeps loggers weakly, and would forget their configuration. */
    private static Logger sdkRoot;

    private final Consumer<String> debug;

    private SdkLog(Consumer<String> debug) {
        this.debug = debug;
    }

    /** Routes the SDK's loggers here; {@code debug} is null unless sockwatch.debug is on. */
    static synchronized void install(Consumer<String> debug) {
        SdkLog handler = new SdkLog(debug);
        Logger root = Logger.getLogger(loggerRoot(OpenTelemetry.class.getPackageName()));
        root.setUseParentHandlers(false);
        for (Handler h : root.getHandlers()) {
            if (h instanceof SdkLog) {
                root.removeHandler(h);
            }
        }
        root.addHandler(handler);
        root.setLevel(debug == null ? Level.WARNING : Level.INFO);
        sdkRoot = root;
    }

    /**
     * The SDK and OkHttp are relocated inside the agent jar, their loggers named after their relocated packages:
     * the root of all of them is the relocation prefix ({@code io.sockwatch.shaded}); unrelocated (unit tests),
     * the SDK's own package.
     */
    static String loggerRoot(String apiPackage) {
        String[] parts = apiPackage.split("\\.");
        for (int i = 1; i + 1 < parts.length; i++) {
            if (parts[i].equals("io") && parts[i + 1].equals("opentelemetry")) {
                return String.join(".", java.util.Arrays.copyOf(parts, i));
            }
        }
        return apiPackage.substring(0, apiPackage.lastIndexOf('.'));
    }

    @Override
    public void publish(LogRecord record) {
        if (debug != null) {
            Throwable t = record.getThrown();
            debug.accept("sockwatch: OpenTelemetry " + record.getLevel().getName().toLowerCase() + ": "
                    + record.getMessage() + (t == null ? "" : " (" + t + ")"));
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
