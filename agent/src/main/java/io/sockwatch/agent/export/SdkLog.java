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
        // The SDK is relocated inside the agent jar: its loggers are named after its relocated package.
        String api = OpenTelemetry.class.getPackageName();
        Logger root = Logger.getLogger(api.substring(0, api.lastIndexOf('.')));
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
