package dev.clpool.jmh;

import dev.clpool.Clpool;
import dev.clpool.DeviceSelector;
import dev.clpool.bench.BenchInputs;
import dev.clpool.op.AdaptivePool;
import dev.clpool.op.OutputSize;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Tensor;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The Java path end to end: {@code clpool.pool(tensor, op)} on {@code Clpool.open(DeviceSelector.java())}, from
 * an input made once per trial to new output tensors (max with its int64 indices, as PyTorch computes them).
 *
 * <p>{@code shape} is {@code NxCxHxW/O} (or {@code /OHxOW}): any such text works with {@code -p shape=...}, not only
 * the ones listed. {@code pool} is float32 in a heap array, NCHW; {@code poolStorage} times other storages on
 * two shapes: {@code float16} (heap), {@code channels_last} (float32 NHWC, heap), {@code direct} (float32 NCHW in
 * page-aligned direct memory).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
// A pre-touched heap: on a VM the first touch of a page costs microseconds, which would be timed as pooling.
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch", "-XX:+UseTransparentHugePages"})
public class JavaPathBenchmark {

    /** Float32 NCHW on the heap, every shape. */
    @State(Scope.Benchmark)
    public static class Float32 extends Inputs {
        @Param({
                // the CPU suite (Suites.cpu(), copied so that this list changes only here)
                "64x512x14x14/7", "128x2048x7x7/1", "32x256x56x56/7", "16x64x224x224/7", "64x2048x14x14/1",
                "32x512x64x64/6", "64x256x13x13/6", "4x32x378x378/5", "256x512x7x7/7",
                // global average pooling of small and of large planes
                "32x1024x7x7/1", "8x256x56x56/1",
                // small planes to small outputs
                "128x64x8x8/2",
                // bins that do not divide the plane and overlap
                "16x384x17x17/5", "4x96x35x35/6",
                // upsampling: more output cells than input cells
                "64x32x5x5/9",
                // large planes, batch 1, large batch
                "2x32x300x300/7", "1x512x38x38/3", "256x128x14x14/4"})
        public String shape;

        @Param({"avg", "max"})
        public String mode;

        @Setup(Level.Trial)
        public void setUp() {
            open(shape, mode, "float32");
        }
    }

    /** Other storages on a plane-rich and a global-pooling shape. */
    @State(Scope.Benchmark)
    public static class Storage extends Inputs {
        @Param({"64x512x14x14/7", "64x2048x14x14/1"})
        public String shape;

        @Param({"avg", "max"})
        public String mode;

        @Param({"float16", "channels_last", "direct"})
        public String storage;

        @Setup(Level.Trial)
        public void setUp() {
            open(shape, mode, storage);
        }
    }

    @Benchmark
    public void pool(Float32 in, Blackhole bh) {
        bh.consume(in.clpool.pool(in.input, in.op));
    }

    @Benchmark
    public void poolStorage(Storage in, Blackhole bh) {
        bh.consume(in.clpool.pool(in.input, in.op));
    }

    /** One trial's engine, input and operation. */
    public abstract static class Inputs {
        static final long SEED = 20260401L;

        Clpool clpool;
        Tensor input;
        AdaptivePool op;

        void open(String shapeText, String modeText, String storage) {
            String[] parts = shapeText.split("/", -1);
            if (parts.length != 2) {
                throw new IllegalArgumentException("shape: expected NxCxHxW/O or NxCxHxW/OHxOW, got '" + shapeText + "'");
            }
            long[] shape = dims(parts[0]);
            int spatialRank = shape.length - 2;
            if (spatialRank < 1 || spatialRank > 3) {
                throw new IllegalArgumentException("shape: expected 3 to 5 dimensions, got '" + shapeText + "'");
            }
            OutputSize out = OutputSize.of(dims(parts[1]));
            op = switch (modeText) {
                case "avg" -> AdaptivePool.avg(spatialRank, out);
                case "max" -> AdaptivePool.max(spatialRank, out, true);
                default -> throw new IllegalArgumentException("mode: expected avg or max, got '" + modeText + "'");
            };
            long n = Arrays.stream(shape).reduce(1, Math::multiplyExact);
            Tensor t = Tensor.of(BenchInputs.normal(n, SEED), shape);
            input = switch (storage) {
                case "float32" -> t;
                case "float16" -> t.to(DType.FLOAT16);
                case "channels_last" -> t.toLayout(Layout.CHANNELS_LAST);
                case "direct" -> t.toDirect();
                default -> throw new IllegalArgumentException(
                        "storage: expected float32, float16, channels_last or direct, got '" + storage + "'");
            };
            clpool = Clpool.open(DeviceSelector.java());
        }

        private static long[] dims(String text) {
            return Arrays.stream(text.split("x", -1)).mapToLong(Long::parseLong).toArray();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            clpool.close();
        }
    }
}
