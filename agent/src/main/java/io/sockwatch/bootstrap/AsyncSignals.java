package io.sockwatch.bootstrap;

/**
 * What the instrumented asynchronous channel classes report. The JDK completes an asynchronous operation on some
 * thread and hands its result, before that method returns, to a completion handler, a Future or the channel group's
 * pool; the result exists only in local variables until then. So the method that completes an operation announces it
 * on its thread ({@link #begin}), and the hand-over point reports the result ({@link #result}). Implemented by the
 * agent's asynchronous channel module, which turns these into {@link SocketSignals}.
 *
 * <p>Same cost rules as {@link SocketSignals#read}: no allocation (but for one small holder per thread, once), no lock.
 */
public interface AsyncSignals {

    /** The operations of an asynchronous channel whose results the JDK hands over. */
    int CONNECT = 1;
    int READ = 2;
    int WRITE = 3;
    int ACCEPT = 4;

    /** A method of {@code channel} that may complete {@code operation} starts on this thread. */
    void begin(Object channel, int operation);

    /** The method that {@link #begin} announced returns: whatever it did not hand over is not a result. */
    void end();

    /** True while this thread runs a method of {@code channel} that completes {@code operation}. */
    boolean inProgress(Object channel, int operation);

    /**
     * The JDK hands a result ({@code value}, or {@code failure}) to a completion handler or a Future. It belongs to
     * the operation announced on this thread, if any; results of other asynchronous channels (files) are ignored.
     */
    void result(Object value, Throwable failure);

    /** A read ({@code read} true) or write of {@code channel} timed out; the JDK forbids further ones. */
    void timedOut(Object channel, boolean read);
}
