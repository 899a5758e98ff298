package io.sockwatch.e2e.support;

import io.sockwatch.agent.classify.FailureTable;
import io.sockwatch.agent.classify.Operation;
import java.util.Set;

/**
 * The status docs/telemetry.md (contract v2) gives a received span: ERROR when the application received an
 * exception because of the ending, and always for leaked and unknown. The exceptions the application received are
 * the span's {@code exception} events; one only reports our own close ("Socket closed" after close) when the
 * classifier reads it as a local close.
 */
public final class ContractStatus {

    private static final Set<String> ALWAYS_ERROR = Set.of("leaked", "unknown");

    private ContractStatus() {
    }

    public static boolean isError(ReceivedSpan span) {
        if (ALWAYS_ERROR.contains(span.string("socket.close.origin"))
                || "read_timeout".equals(span.string("socket.close.reason"))) {
            return true; // a read timeout the application gave up on raised a SocketTimeoutException
        }
        return span.events().stream().filter(e -> e.name().equals("exception"))
                .anyMatch(e -> !readsAsOurOwnClose(String.valueOf(e.attributes().get("exception.type")),
                        (String) e.attributes().get("exception.message")));
    }

    /** The exception rebuilt from its event and read by the classifier itself. */
    private static boolean readsAsOurOwnClose(String type, String message) {
        Throwable t;
        try {
            Class<?> c = Class.forName(type);
            try {
                t = (Throwable) c.getConstructor(String.class).newInstance(message);
            } catch (NoSuchMethodException noMessage) {
                t = (Throwable) c.getConstructor().newInstance();
            }
        } catch (ReflectiveOperationException | LinkageError e) {
            return false; // an exception of the application's own libraries: not a close of ours
        }
        return FailureTable.classify(Operation.READ, t).isLocalClose();
    }
}
