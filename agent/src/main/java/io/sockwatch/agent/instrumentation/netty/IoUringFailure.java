package io.sockwatch.agent.instrumentation.netty;

import java.io.IOException;

/**
 * A failed io_uring operation when the copy of Netty it ran on has no {@code Errors} class where sockwatch looks
 * (version drift): the errno alone, carried the way Netty carries it ({@code expectedErr()}, negative), so that it is
 * classified like Netty's own exception. Made only on a failure.
 */
final class IoUringFailure extends IOException {

    private static final long serialVersionUID = 1L;

    private final int expectedErr;

    IoUringFailure(String operation, int negativeErrno) {
        super(operation + "(..) failed with error(" + negativeErrno + ")");
        this.expectedErr = negativeErrno;
    }

    /** Where it was made is sockwatch, not the application: no stack trace to fill in. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }

    int expectedErr() {
        return expectedErr;
    }
}
