package io.sockwatch.agent.instrumentation.netty;

import io.sockwatch.agent.tracker.ConnectionTracker;
import io.sockwatch.agent.tracker.PeerFilter;
import io.sockwatch.agent.tracker.TrackerSettings;
import io.sockwatch.fixture.shaded.io.netty.channel.uring.AbstractIoUringChannel;
import io.sockwatch.bootstrap.AsyncSignals;
import io.sockwatch.bootstrap.SocketBridge;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What an io_uring read or write completion costs once the advice calls the bridge: finding the channel's socket
 * object, then the tracker's hot path. Run with {@code -prof gc}: it must allocate nothing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class IoUringCompletionBenchmark {

    private ConnectionTracker tracker;
    private Object socket;
    private Object channel;

    @Setup(Level.Trial)
    public void setUp() {
        tracker = new ConnectionTracker(new TrackerSettings(false, false, 5, 0, 16,
                PeerFilter.parse(List.of(), new ArrayList<>()), false, Long.MAX_VALUE, false), c -> { });
        tracker.start(() -> { }, () -> new Object[0]);
        socket = new Object();
        tracker.connectStarted(socket, new InetSocketAddress("127.0.0.1", 9), 0, "bench");
        tracker.connectEnded(socket, null);
        channel = new AbstractIoUringChannel(socket);
        SocketBridge.install(tracker);
        SocketBridge.installNative(new NativeSockets(tracker, new NettySocketInspector()));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        SocketBridge.installNative(null);
        SocketBridge.install(null);
        tracker.shutdown();
    }

    /** A read completion of 64 bytes on a tracked connection. */
    @Benchmark
    public void readCompletion() {
        SocketBridge.nativeCompleted(channel, AsyncSignals.READ, 64);
    }

    /** A write completion of 64 bytes. */
    @Benchmark
    public void writeCompletion() {
        SocketBridge.nativeCompleted(channel, AsyncSignals.WRITE, 64);
    }

    /** The tracker's hot path alone, for comparison: what the epoll path costs. */
    @Benchmark
    public void epollRead() {
        SocketBridge.read(socket, 64, null);
    }
}
