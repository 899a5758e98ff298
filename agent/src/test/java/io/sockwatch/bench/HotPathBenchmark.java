package io.sockwatch.bench;

import io.sockwatch.agent.tracker.ConnectionTracker;
import io.sockwatch.agent.tracker.PeerFilter;
import io.sockwatch.agent.tracker.TrackerSettings;
import io.sockwatch.bootstrap.SocketBridge;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What the advice of every read and write costs once inlined into the JDK: the bridge call, the lookup of the
 * socket's state among {@code tracked} others, and the counter update; and what the SSLEngine advice costs per
 * record. Run by bench/run.sh with {@code -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HotPathBenchmark {

    @Param({"1", "10000"})
    public int tracked;

    private ConnectionTracker tracker;
    private Object socket;
    private Object untracked;

    @Setup(Level.Trial)
    public void setUp() {
        tracker = new ConnectionTracker(new TrackerSettings(false, false, 5, 0, 16, PeerFilter.parse(List.of(), new ArrayList<>()),
                false, TimeUnit.SECONDS.toNanos(1), false), c -> { });
        tracker.start(() -> { }, () -> new Object[0]);
        keep = new Object[tracked];
        for (int i = 0; i < tracked; i++) {
            Object s = new Object();
            tracker.connectStarted(s, new InetSocketAddress("127.0.0.1", 9), 0, "bench");
            tracker.connectEnded(s, null);
            keep[i] = s; // the table holds sockets weakly: keep them alive
        }
        socket = keep[tracked / 2];
        untracked = new Object();
        tracker.readInto(socket, 16, null, readBuffer.position(16)); // past the first read, as in steady state
        tracker.tlsContextObserved();
        record[0].put(0, (byte) 23).put(1, (byte) 3).put(2, (byte) 3); // an application data record
        SocketBridge.install(tracker);
    }

    private Object[] keep;
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64);
    private final ByteBuffer[] record = {ByteBuffer.allocateDirect(64)};
    private final Object engine = new Object();

    @TearDown(Level.Trial)
    public void tearDown() {
        SocketBridge.install(null);
        tracker.shutdown();
    }

    /** A read of 16 bytes on a tracked socket, through the bridge as the advice calls it. */
    @Benchmark
    public void readTracked() {
        SocketBridge.read(socket, 16, null);
    }

    /** A SocketChannel read of 16 bytes into a buffer, as the channel's advice reports it. */
    @Benchmark
    public void readIntoTracked() {
        SocketBridge.read(socket, 16, null, readBuffer);
    }

    /** The SSLEngine advice on an unwrap of an application data record (every record after the handshake). */
    @Benchmark
    public void unwrapApplicationData() {
        SocketBridge.tlsUnwrapping(engine, record, 0, 1);
    }

    /** A write on a tracked socket. */
    @Benchmark
    public void writeTracked() {
        SocketBridge.write(socket, 16, null);
    }

    /** A read on a socket sockwatch does not track (excluded peer, or opened before attach). */
    @Benchmark
    public void readUntracked() {
        SocketBridge.read(untracked, 16, null);
    }
}
