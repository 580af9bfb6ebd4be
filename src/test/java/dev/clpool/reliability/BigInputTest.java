package dev.clpool.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.clpool.Clpool;
import dev.clpool.DeviceSelector;
import dev.clpool.op.AdaptivePool;
import dev.clpool.op.OutputSize;
import dev.clpool.op.PoolResult;
import dev.clpool.opencl.ClFaults;
import dev.clpool.opencl.DeviceInfo;
import dev.clpool.opencl.LiveObjects;
import dev.clpool.opencl.OpenClOptions;
import dev.clpool.tensor.DeviceTensor;
import dev.clpool.tensor.Tensor;
import dev.clpool.testing.Allocations;
import dev.clpool.testing.Slow;
import dev.clpool.testing.TensorAssert;
import dev.clpool.testing.TestDevices;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 5.3, big inputs. A host tensor larger than the device's largest allocation is pooled in chunks
 * of whole planes (the cap lowered through configuration: same results, at least 3 chunks); a single
 * plane larger than the cap is refused with both sizes named, before any OpenCL call. Index arithmetic
 * is 64-bit: a plane of H = 2^24 + 1 rows (a float32 cannot count them) pools exactly, against bins
 * and scans computed here independently; an output size of 0x3FFFFFFFFFFFFFFF is refused at once,
 * naming the element count, with nothing allocated on the host or the device.
 */
class BigInputTest {
    static final long HUGE = 0x3FFFFFFFFFFFFFFFL;
    /** 2^24 + 1: the first integer a float32 cannot hold. */
    static final int TALL = (1 << 24) + 1;

    static Clpool openCapped(long capBytes) {
        TestDevices.openCl(); // skips without OpenCL, fails in CI
        return Clpool.open(DeviceSelector.opencl(), OpenClOptions.defaults().withMaxAllocationBytes(capBytes));
    }

    // ---------------------------------------------------------------- chunking

    static Stream<Arguments> chunkedCases() {
        return Stream.of(
                // 10 planes of 33x47 down to 7x9: the input plane (6,204 bytes) is what a chunk holds most of.
                Arguments.of(new long[] {2, 5, 33, 47}, OutputSize.of(7, 9)),
                // 12 planes of 8x8 up to 16x16: the output plane (1,024 bytes, 2,048 with int64 indices) is.
                Arguments.of(new long[] {3, 4, 8, 8}, OutputSize.of(16, 16)),
                // Unbatched, 7 planes, non-divisible bins.
                Arguments.of(new long[] {7, 19, 23}, OutputSize.ofNullable(null, 5L)));
    }

    /** The bytes one plane of {@code op} needs in its largest device buffer: input, output or indices. */
    static long planeBytes(Tensor x, AdaptivePool op) {
        dev.clpool.plan.PoolPlan plan = dev.clpool.plan.PoolPlan.of(x.shape(), op);
        return Math.max(plan.inputPlaneSize() * Float.BYTES, plan.outputPlaneSize() * (op.withIndices() ? Long.BYTES : Float.BYTES));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("chunkedCases")
    void aTensorAboveTheCapIsPooledInChunksOfWholePlanesWithTheSameResults(long[] shape, OutputSize size) {
        Tensor x = Workload.hostile(new Random(shape.length * 31L + shape[0]), shape);
        long planes = x.shape().product(0, shape.length - 2);
        long perChunk = 3;
        long expectedChunks = (planes + perChunk - 1) / perChunk;
        Clpool uncapped = TestDevices.openCl();
        for (AdaptivePool op : List.of(AdaptivePool.avg2d(size), AdaptivePool.max2d(size, true), AdaptivePool.max2d(size, false))) {
            PoolResult whole = uncapped.pool(x, op);
            PoolResult java = TestDevices.java().pool(x, op);
            // A cap of three and a half planes: the tensor (10, 12 or 7 planes) is over it three times or more.
            long cap = perChunk * planeBytes(x, op) + planeBytes(x, op) / 2;
            Map<LiveObjects.Kind, Long> before = LiveObjects.snapshot();
            try (Clpool capped = openCapped(cap)) {
                ClFaults.Trace<PoolResult> trace = ClFaults.record(() -> capped.pool(x, op));
                long launches = trace.count("clEnqueueNDRangeKernel");
                assertTrue(launches >= 3 && launches == expectedChunks, op + ": " + launches + " kernel launches for "
                        + planes + " planes under a cap of " + cap + " bytes, expected " + expectedChunks + " chunks");
                String what = x.shape() + " " + op + " in " + launches + " chunks";
                TensorAssert.assertBitExact(whole.values(), trace.result().values(), what + " vs one piece");
                if (op.mode() == dev.clpool.op.PoolMode.MAX) {
                    TensorAssert.assertBitExact(java.values(), trace.result().values(), what + " vs the Java path");
                } else {
                    TensorAssert.assertClose(java.values(), trace.result().values(), what + " vs the Java path");
                }
                if (op.withIndices()) {
                    TensorAssert.assertSameIndices(whole.indices(), trace.result().indices(), what);
                    TensorAssert.assertSameIndices(java.indices(), trace.result().indices(), what + " vs the Java path");
                }
            }
            assertEquals(before, LiveObjects.snapshot(), "live OpenCL objects after the capped engine closed");
        }
    }

    @Test
    void theCapIsReadFromTheClpoolMaxAllocationProperty() {
        TestDevices.openCl();
        Tensor x = Workload.hostile(new Random(3), 1, 9, 20, 20);
        AdaptivePool op = AdaptivePool.max2d(OutputSize.of(6, 5), true);
        String old = System.getProperty("clpool.maxAllocation");
        System.setProperty("clpool.maxAllocation", Long.toString(2 * 20 * 20 * 4 + 100)); // two planes per chunk
        Clpool capped;
        try {
            assertEquals(2 * 20 * 20 * 4 + 100, OpenClOptions.defaults().maxAllocationBytes());
            capped = Clpool.open("opencl");
        } finally {
            if (old == null) {
                System.clearProperty("clpool.maxAllocation");
            } else {
                System.setProperty("clpool.maxAllocation", old);
            }
        }
        try (capped) {
            ClFaults.Trace<PoolResult> trace = ClFaults.record(() -> capped.pool(x, op));
            assertEquals(5, trace.count("clEnqueueNDRangeKernel"), "9 planes, 2 per chunk");
            PoolResult expected = TestDevices.java().pool(x, op);
            TensorAssert.assertBitExact(expected.values(), trace.result().values(), "configured cap");
            TensorAssert.assertSameIndices(expected.indices(), trace.result().indices(), "configured cap");
        }
    }

    @Test
    void aSinglePlaneAboveTheCapIsRefusedNamingTheSizesBeforeAnyOpenClCall() {
        Tensor x = Workload.hostile(new Random(4), 1, 2, 16, 16); // 1,024 bytes per plane
        Map<LiveObjects.Kind, Long> before;
        try (Clpool capped = openCapped(1000)) {
            before = LiveObjects.snapshot();
            for (AdaptivePool op : List.of(AdaptivePool.avg2d(OutputSize.of(3)), AdaptivePool.max2d(OutputSize.of(3), true))) {
                ClFaults.Trace<PoolResult> trace = ClFaults.run(ClFaults.Rule.NONE, () -> capped.pool(x, op));
                assertSame(IllegalArgumentException.class, trace.thrown() == null ? null : trace.thrown().getClass(),
                        String.valueOf(trace.thrown()));
                String m = trace.thrown().getMessage();
                assertTrue(m.contains("1024 bytes") && m.contains("1000 bytes") && m.contains("[1, 2, 16, 16]")
                        && m.contains("Java path"), m);
                assertEquals(List.of(), trace.functions(), "no OpenCL call for a refused plane");
            }
            // The device API refuses an upload above the cap the same way.
            ClFaults.Trace<DeviceTensor> upload = ClFaults.run(ClFaults.Rule.NONE, () -> capped.upload(x));
            assertNotNull(upload.thrown());
            assertSame(IllegalArgumentException.class, upload.thrown().getClass(), upload.thrown().toString());
            assertTrue(upload.thrown().getMessage().contains("2048 bytes") && upload.thrown().getMessage().contains("1000 bytes"),
                    upload.thrown().getMessage());
            assertEquals(List.of(), upload.functions());
            assertEquals(before, LiveObjects.snapshot());
        }
    }

    // ---------------------------------------------------------------- 64-bit index arithmetic

    /**
     * Output heights for the tall plane: global (one bin of 2^24 + 1 rows, divided by (float) (2^24 + 1)),
     * three bins, 4,097 bins (i * H reaches 2^36), and 2^20 + 1 bins of 16 or 17 rows; the slow variant
     * adds bins of one or two rows (2^24 output rows), the identity (the copy kernel) and upsampling.
     */
    static final long[] TALL_OUTPUTS = Slow.enabled() ? new long[] {1, 3, 4097, (1 << 20) + 1, TALL - 1, TALL, TALL + 1L}
            : new long[] {1, 3, 4097, (1 << 20) + 1};
    private static float[] tall;

    /** The tall input: pseudo-random values in [-1, 1), a -0, and the two largest values last (the largest at index 2^24). */
    static synchronized float[] tallInput() {
        if (tall == null) {
            tall = makeTallInput();
        }
        return tall;
    }

    private static float[] makeTallInput() {
        float[] x = new float[TALL];
        long s = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < TALL; i++) {
            s = s * 6364136223846793005L + 1442695040888963407L;
            x[i] = (s >>> 40) / (float) (1 << 24) * 2 - 1; // in [-1, 1)
        }
        x[TALL - 1] = 1e30f;
        x[TALL - 2] = 5e29f;
        x[TALL / 2] = -0f;
        return x;
    }

    /**
     * Adaptive pooling of a (1, 1, TALL, 1) input to (oh, 1), from the definition, independently of
     * clpool's planner: bins {@code [floor(i * H / O), ceil((i + 1) * H / O))} in exact 64-bit
     * arithmetic, sums in float32 in order then divided by the bin's height and width, maxima by a
     * row-major scan where a larger value or a NaN takes over.
     */
    static PoolResult tallReference(float[] x, long oh, boolean avg) {
        int n = Math.toIntExact(oh);
        float[] values = new float[n];
        long[] indices = avg ? null : new long[n];
        for (int i = 0; i < n; i++) {
            long start = Math.floorDiv((long) i * TALL, oh);
            long end = Math.floorDiv((i + 1L) * TALL + oh - 1, oh);
            if (avg) {
                float sum = 0f;
                for (long h = start; h < end; h++) {
                    sum += x[(int) h];
                }
                values[i] = sum / (float) (end - start) / 1f;
            } else {
                float m = Float.NEGATIVE_INFINITY;
                long mi = start;
                for (long h = start; h < end; h++) {
                    float v = x[(int) h];
                    if (v > m || Float.isNaN(v)) {
                        m = v;
                        mi = h;
                    }
                }
                values[i] = m;
                indices[i] = mi;
            }
        }
        dev.clpool.tensor.Shape out = dev.clpool.tensor.Shape.of(1, 1, oh, 1);
        return new PoolResult(Tensor.of(values, out), avg ? null : Tensor.ofInt64(indices, out));
    }

    static Stream<Named<Object>> tallEngines() {
        return Stream.concat(Stream.of(Named.of("java", (Object) "java")), TestDevices.poolKernels()
                .filter(k -> !k.getPayload().equals("copy") && !k.getPayload().equals("channels_last_blocks"))
                .map(k -> Named.of("opencl " + k.getPayload(), (Object) k.getPayload())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tallEngines")
    void aPlaneOf2To24Plus1RowsPoolsExactly(Object engine) {
        Clpool clpool = engine.equals("java") ? TestDevices.java()
                : Clpool.open(pickOpenCl(), OpenClOptions.defaults().withKernel((String) engine));
        int ran = 0;
        boolean exactAvg = clpool.openClDevices().stream().allMatch(DeviceInfo::correctlyRoundedDivide);
        try {
            float[] x = tallInput();
            Tensor input = Tensor.of(x, 1, 1, TALL, 1);
            for (long oh : TALL_OUTPUTS) {
                OutputSize size = OutputSize.of(oh, 1);
                String what = clpool.device() + ", H = 2^24 + 1 -> " + oh;
                if (clpool.isOpenCl() && !TestDevices.runs(clpool, input, AdaptivePool.max2d(size, true))) {
                    continue; // a forced kernel that refuses this plan (tiled: the rows of one output row do not fit)
                }
                ran++;
                PoolResult max = clpool.adaptiveMaxPool2d(input, size);
                PoolResult expectedMax = tallReference(x, oh, false);
                TensorAssert.assertBitExact(expectedMax.values(), max.values(), what + ", max");
                TensorAssert.assertSameIndices(expectedMax.indices(), max.indices(), what + ", max");
                Tensor avg = clpool.adaptiveAvgPool2d(input, size);
                Tensor expectedAvg = tallReference(x, oh, true).values();
                if (exactAvg) {
                    TensorAssert.assertBitExact(expectedAvg, avg, what + ", avg");
                } else {
                    TensorAssert.assertClose(expectedAvg, avg, what + ", avg");
                }
            }
            assertTrue(ran > 0, clpool.device() + " pooled none of the outputs");
            if (!clpool.isOpenCl() || TestDevices.runs(clpool, input, AdaptivePool.max2d(OutputSize.of(1), true))) {
                long[] globalIndex = clpool.adaptiveMaxPool2d(input, OutputSize.of(1)).indices().int64s();
                assertEquals(TALL - 1L, globalIndex[0], "the largest value is the last row, 2^24");
            }
        } finally {
            if (clpool.isOpenCl()) {
                clpool.close();
            }
        }
    }

    /** The OpenCL device the shared test engine uses (skips without OpenCL, fails in CI). */
    static DeviceSelector pickOpenCl() {
        TestDevices.openCl();
        return DeviceSelector.opencl();
    }

    // ---------------------------------------------------------------- absurd output sizes

    @ParameterizedTest(name = "{0}")
    @MethodSource(TestDevices.ENGINES)
    void anOutputSizeOf0x3FFFFFFFFFFFFFFFIsRefusedAtOnceNamingTheCountAndAllocatingNothing(TestDevices.EngineSource engine) {
        Clpool clpool = engine.get();
        Tensor x = Workload.hostile(new Random(6), 1, 1, 4, 4);
        DeviceTensor onDevice = clpool.upload(x);
        try {
            Map<LiveObjects.Kind, Long> before = LiveObjects.snapshot();
            record Refusal(String what, Allocations.Call call, String mustName) {
            }
            List<Refusal> refusals = List.of(
                    new Refusal("host, (HUGE, HUGE)", () -> clpool.pool(x, AdaptivePool.avg2d(OutputSize.of(HUGE))),
                            "1 * 1 * 4611686018427387903 * 4611686018427387903"),
                    new Refusal("host, (HUGE, 1)", () -> clpool.pool(x, AdaptivePool.max2d(OutputSize.of(HUGE, 1), true)),
                            "4611686018427387903 elements"),
                    new Refusal("device, (HUGE, HUGE)", () -> clpool.pool(onDevice, AdaptivePool.avg2d(OutputSize.of(HUGE))),
                            "1 * 1 * 4611686018427387903 * 4611686018427387903"),
                    new Refusal("device, (HUGE, 1) avg", () -> clpool.pool(onDevice, AdaptivePool.avg2d(OutputSize.of(HUGE, 1))),
                            "4611686018427387903 elements"),
                    new Refusal("device, (HUGE, 1) max", () -> clpool.pool(onDevice, AdaptivePool.max2d(OutputSize.of(HUGE, 1), true)),
                            "4611686018427387903 elements"));
            for (Refusal r : refusals) {
                ClFaults.Trace<Allocations.Measured> trace = ClFaults.record(() -> assertTimeoutPreemptively(Duration.ofSeconds(1),
                        () -> Allocations.measure(r.call())));
                Allocations.Measured m = trace.result();
                if (m.thrown() == null) {
                    fail(r.what() + " was accepted");
                }
                assertSame(IllegalArgumentException.class, m.thrown().getClass(), () -> r.what() + " threw " + m.thrown());
                assertTrue(m.thrown().getMessage().contains(r.mustName()), r.what() + ": " + m.thrown().getMessage());
                assertTrue(m.bytes() < 1 << 20, r.what() + ": refusing allocated " + m.bytes() + " bytes");
                assertEquals(List.of(), trace.functions(), r.what() + ": no OpenCL call");
                assertEquals(before, LiveObjects.snapshot(), r.what() + ": no OpenCL object");
            }
        } finally {
            onDevice.close();
        }
    }
}
