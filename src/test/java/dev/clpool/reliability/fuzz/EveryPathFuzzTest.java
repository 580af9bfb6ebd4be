package dev.clpool.reliability.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.Clpool;
import dev.clpool.DeviceSelector;
import dev.clpool.cpu.JavaBackend;
import dev.clpool.op.AdaptivePool;
import dev.clpool.op.PoolResult;
import dev.clpool.opencl.OpenClOptions;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Tensor;
import dev.clpool.testing.LaunchLog;
import dev.clpool.testing.Seeds;
import dev.clpool.testing.Slow;
import dev.clpool.testing.TestDevices;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fuzz harness reaches every path by construction (issue 16): shape families that route to each loop
 * variant of the Java path and each kernel of the OpenCL registry (forced by name), filled with ties, NaN
 * runs, +-0 and +-inf, each case checked bit for bit against {@link Oracle#PYTORCH} (avg, max with indices,
 * max without), and the launch lines asserting which path ran. Channels-last inputs, which the oracle does
 * not take, must give the bits of the same input in C order.
 */
class EveryPathFuzzTest {
    static final int CASES = Slow.pick(6, 60);

    /** The data every family fills its cases with: the hard ones for max and for row-major sums (MIXED last: it mixes the others). */
    private static final FuzzCase.Fill[] FILLS = {FuzzCase.Fill.TIES, FuzzCase.Fill.SPECIAL, FuzzCase.Fill.NAN_HEAVY,
        FuzzCase.Fill.ALL_NEG_INF, FuzzCase.Fill.NORMAL, FuzzCase.Fill.MIXED};

    /** Shapes that route somewhere in particular; planes are 8 to 27, so both full groups of 8 and tails run. */
    enum Family {
        /** Small planes to smaller, often overlapping bins: the offset-table loops. */
        SMALL_BINS,
        /** 2-d planes past 1,024 elements: staged band by band. */
        LARGE_PLANES,
        /** Upsampling: bins of one or two elements. */
        UPSAMPLING,
        /** A 1x1 output: the whole-plane average. */
        GLOBAL,
        /** Output size equal to the input's. */
        IDENTITY,
        /** Planes whose offset table would pass a million entries: the row loops. */
        HUGE_BINS;

        FuzzCase next(Random r, int number) {
            long planes = 8 + r.nextInt(20);
            long h;
            long w;
            Long oh;
            Long ow;
            switch (this) {
                case SMALL_BINS -> {
                    h = 2 + r.nextInt(20);
                    w = 2 + r.nextInt(20);
                    oh = 1 + (long) r.nextInt((int) h);
                    ow = 1 + (long) r.nextInt((int) w);
                }
                case LARGE_PLANES -> {
                    h = 33 + r.nextInt(60);
                    w = 33 + r.nextInt(60);
                    oh = 2 + (long) r.nextInt(12);
                    ow = r.nextInt(5) == 0 ? null : 2 + (long) r.nextInt(12);
                }
                case UPSAMPLING -> {
                    h = 1 + r.nextInt(9);
                    w = 1 + r.nextInt(9);
                    oh = h + 1 + r.nextInt(12);
                    ow = w + r.nextInt(12);
                }
                case GLOBAL -> {
                    h = 1 + r.nextInt(70);
                    w = 1 + r.nextInt(70);
                    oh = 1L;
                    ow = 1L;
                }
                case IDENTITY -> {
                    h = 1 + r.nextInt(30);
                    w = 1 + r.nextInt(30);
                    oh = h;
                    ow = r.nextBoolean() ? null : w;
                }
                default -> {
                    planes = 8 + r.nextInt(2);
                    h = 1025 + r.nextInt(8);
                    w = 1025 + r.nextInt(8);
                    oh = 1 + (long) r.nextInt(2);
                    ow = oh == 1 ? 2L : 1 + (long) r.nextInt(2); // never 1x1: the average would be the whole-plane loop
                }
            }
            long n = 1 + r.nextInt(3);
            long[] shape = {n, (planes + n - 1) / n, h, w};
            FuzzCase.Fill fill = FILLS[r.nextInt(FILLS.length)];
            float[] x = new float[Math.toIntExact(shape[0] * shape[1] * h * w)];
            for (int i = 0; i < x.length; i++) {
                x[i] = FuzzCase.value(r, fill == FuzzCase.Fill.MIXED ? FILLS[r.nextInt(FILLS.length - 1)] : fill);
            }
            return new FuzzCase(number, shape, oh, ow, fill, x);
        }

        /** Fewer of the costly huge cases. */
        int cases() {
            return this == HUGE_BINS ? Math.max(1, CASES / 3) : CASES;
        }
    }

    private static AdaptivePool[] ops(FuzzCase c) {
        return new AdaptivePool[] {AdaptivePool.avg2d(c.outputSize()), AdaptivePool.max2d(c.outputSize(), true),
            AdaptivePool.max2d(c.outputSize(), false)};
    }

    @Test
    void everyJavaLoopRunsAndAgreesWithTheDefinition() {
        long seed = Seeds.seed("EveryPathFuzzTest");
        Random r = new Random(seed);
        Clpool java = TestDevices.java();
        PoolingHarness harness = new PoolingHarness(Oracle.PYTORCH, java, null, false);
        Set<String> ran = new TreeSet<>();
        List<String> failures = new ArrayList<>();
        Map<String, Integer> counts = new TreeMap<>();
        int number = 0;
        for (Family f : Family.values()) {
            for (int i = 0; i < f.cases(); i++) {
                FuzzCase c = f.next(r, number++);
                try (LaunchLog log = LaunchLog.capture()) {
                    String failure = harness.check(c, counts);
                    if (failure == null) {
                        failure = sameAsChannelsLast(java, c);
                    }
                    if (failure != null) {
                        failures.add(Seeds.describe(seed) + ", " + f + " " + c + ": " + failure);
                    }
                    ran.addAll(log.kernels());
                }
            }
        }
        assertEquals(List.of(), failures.stream().limit(5).toList(), failures.size() + " failed cases");
        assertEquals(List.of("copy", "avg-whole-planes8", "max-columns", "avg-bins8", "max-bins8", "avg-staged-bins8",
                "max-staged-bins8", "avg-rows8", "max-rows8"), JavaBackend.poolLoopNames(), "the loops this test must reach");
        for (String loop : JavaBackend.poolLoopNames()) {
            assertTrue(ran.contains(loop), "no case ran the Java loop " + loop + "; ran " + ran);
            if (!loop.startsWith("avg-")) {
                assertTrue(ran.contains("channels-last-blocks/" + loop), "no channels-last case ran " + loop + "; ran " + ran);
            }
        }
        assertTrue(ran.contains("channels-last-avg"), "no channels-last average; ran " + ran);
    }

    static List<String> poolKernels() {
        return OpenClOptions.poolKernelNames();
    }

    /**
     * Each kernel of the registry, forced by name, with host tensors cut into chunks of a few planes (an
     * allocation cap of 64 KiB; 4 MiB for channels last, whose chunks are whole batch elements), so that chunk
     * boundaries fall between every few planes: every case it takes must give the definition's bits.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("poolKernels")
    void everyOpenClKernelRunsAndAgreesWithTheDefinition(String kernel) {
        TestDevices.openCl();
        long seed = Seeds.seed("EveryPathFuzzTest " + kernel);
        Random r = new Random(seed);
        try (Clpool forced = Clpool.open(DeviceSelector.opencl(), OpenClOptions.defaults().withKernel(kernel)
                .withMaxAllocationBytes(64 << 10));
             Clpool forcedNhwc = Clpool.open(DeviceSelector.opencl(), OpenClOptions.defaults().withKernel(kernel)
                .withMaxAllocationBytes(4 << 20))) {
            PoolingHarness harness = new PoolingHarness(Oracle.PYTORCH, null, forced, false);
            List<String> failures = new ArrayList<>();
            Map<String, Integer> counts = new TreeMap<>();
            Map<Family, Integer> taken = new TreeMap<>();
            int number = 0;
            for (Family f : Family.values()) {
                if (f == Family.HUGE_BINS) {
                    continue; // a plane of a million cells is more than the 64 KiB cap allows; the Java path's concern
                }
                for (int i = 0, tries = 0; i < CASES && tries < 20 * CASES; tries++) {
                    FuzzCase c = f.next(r, number++);
                    Tensor x = Tensor.of(c.x(), c.shape());
                    boolean nchw = Arrays.stream(ops(c)).allMatch(op -> TestDevices.runs(forced, x, op));
                    boolean nhwc = Arrays.stream(ops(c)).allMatch(op -> TestDevices.runs(forcedNhwc, x.toLayout(Layout.CHANNELS_LAST), op));
                    if (!nchw && !nhwc) {
                        continue;
                    }
                    i++;
                    taken.merge(f, 1, Integer::sum);
                    try (LaunchLog log = LaunchLog.capture()) {
                        String failure = nchw ? harness.check(c, counts) : sameAsChannelsLast(forcedNhwc, c);
                        if (failure != null) {
                            failures.add(Seeds.describe(seed) + ", " + f + " " + c + ": " + failure);
                        }
                        assertEquals(Set.of(kernel), log.kernelsOn(forced.openClDevices().get(0).describe()), "what ran for " + c);
                    }
                }
            }
            assertEquals(List.of(), failures.stream().limit(5).toList(), failures.size() + " failed cases");
            assertTrue(!taken.isEmpty(), "no generated case runs on " + kernel);
            System.out.printf("[EveryPathFuzzTest] %s: %s cases per family%n", kernel, taken);
        }
    }

    /**
     * Null when {@code clpool} pools {@code c} in channels last, from an array and from direct memory, to the
     * bits of the Java path in C order; else what differs.
     */
    private static String sameAsChannelsLast(Clpool clpool, FuzzCase c) {
        Tensor x = Tensor.of(c.x(), c.shape());
        Tensor nhwc = x.toLayout(Layout.CHANNELS_LAST);
        for (Tensor input : List.of(nhwc, nhwc.toDirect())) {
            String storage = input.isDirect() ? "direct" : "array";
            for (AdaptivePool op : ops(c)) {
                PoolResult expected = TestDevices.java().pool(x, op);
                PoolResult got = clpool.pool(input, op);
                if (!Arrays.equals(bits(expected.values()), bits(got.values().toHeap().toLayout(Layout.CONTIGUOUS)))) {
                    return "channels last (" + storage + "), " + op + ": values differ from C order's";
                }
                if (op.withIndices() && !Arrays.equals(expected.indices().int64s(),
                        got.indices().toHeap().toLayout(Layout.CONTIGUOUS).int64s())) {
                    return "channels last (" + storage + "), " + op + ": indices differ from C order's";
                }
            }
        }
        return null;
    }

    private static int[] bits(Tensor t) {
        float[] v = t.floats();
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToIntBits(v[i]);
        }
        return b;
    }
}
