package io.sockwatch.agent.classify;

/** Low-cardinality refinement of an {@link Origin}: the value of {@code socket.close.reason}. */
public enum Reason {
    CLOSE("close"),
    ASYNC_CLOSE("async_close"),
    INTERRUPT("interrupt"),
    SHUTDOWN_INPUT("shutdown_input"),
    SHUTDOWN_OUTPUT("shutdown_output"),
    EOF("eof"),
    /** The peer's TLS close_notify alert: end of stream at the TLS layer. */
    CLOSE_NOTIFY("close_notify"),
    RESET("reset"),
    BROKEN_PIPE("broken_pipe"),
    REFUSED("refused"),
    READ_TIMEOUT("read_timeout"),
    CONNECT_TIMEOUT("connect_timeout"),
    KEEPALIVE_TIMEOUT("keepalive_timeout"),
    NO_ROUTE("no_route"),
    NETWORK_UNREACHABLE("network_unreachable"),
    GC("gc"),
    /** The JVM exited with the connection still open: the kernel closed it for us. */
    PROCESS_EXIT("process_exit"),
    OTHER("other");

    private final String value;

    Reason(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }
}
