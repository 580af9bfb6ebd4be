package dev.clpool.jmh;

import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The machine's memory ceiling in the same run as {@link JavaPathBenchmark}, to read pooling times against: a
 * copy of a 64 MiB {@code float[]} into another ({@code System.arraycopy}: 2 x 64 MiB moved, so GB/s = 134.2 /
 * ms) and a read of it that sums it (64 MiB read, GB/s = 67.1 / ms), on one thread and, as the Java path runs,
 * on every core (the common fork-join pool, {@code 4 x cores} slices).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch", "-XX:+UseTransparentHugePages"})
@State(Scope.Benchmark)
public class MemoryBandwidthBenchmark {
    static final int FLOATS = 64 << 20 >> 2; // 64 MiB

    float[] from;
    float[] to;
    int slices;

    @Setup(Level.Trial)
    public void setUp() {
        from = new float[FLOATS];
        to = new float[FLOATS];
        for (int i = 0; i < FLOATS; i++) {
            from[i] = (i & 1023) * 0.5f;
        }
        slices = 4 * Runtime.getRuntime().availableProcessors();
    }

    @Benchmark
    public void copy(Blackhole bh) {
        System.arraycopy(from, 0, to, 0, FLOATS);
        bh.consume(to);
    }

    @Benchmark
    public void copyAllCores(Blackhole bh) {
        IntStream.range(0, slices).parallel().forEach(s -> {
            int first = start(s);
            System.arraycopy(from, first, to, first, start(s + 1) - first);
        });
        bh.consume(to);
    }

    @Benchmark
    public float sum() {
        return sum(from, 0, FLOATS);
    }

    @Benchmark
    public double sumAllCores() {
        return IntStream.range(0, slices).parallel().mapToDouble(s -> sum(from, start(s), start(s + 1))).sum();
    }

    private int start(int slice) {
        return (int) ((long) FLOATS * slice / slices);
    }

    /** Eight float32 sums side by side, so that the loop waits on memory, not on one chain of additions. */
    static float sum(float[] a, int from, int to) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        int i = from;
        for (; i + 8 <= to; i += 8) {
            s0 += a[i];
            s1 += a[i + 1];
            s2 += a[i + 2];
            s3 += a[i + 3];
            s4 += a[i + 4];
            s5 += a[i + 5];
            s6 += a[i + 6];
            s7 += a[i + 7];
        }
        for (; i < to; i++) {
            s0 += a[i];
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }
}
