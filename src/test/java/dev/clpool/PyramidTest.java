package dev.clpool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.op.OutputSize;
import dev.clpool.op.PoolMode;
import dev.clpool.op.PoolResult;
import dev.clpool.op.PyramidPool;
import dev.clpool.opencl.OpenClBackend;
import dev.clpool.opencl.OpenClOptions;
import dev.clpool.plan.PyramidPlan;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import dev.clpool.testing.LaunchLog;
import dev.clpool.testing.Seeds;
import dev.clpool.testing.SpyBackend;
import dev.clpool.testing.TensorAssert;
import dev.clpool.testing.TestDevices;
import dev.clpool.testing.Torch;
import dev.clpool.testing.TorchOps;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pyramid pooling: every level bit for bit what a pooling to that size alone gives, on both paths and
 * across them (one pass over the input must not change a single sum), for random 1-d, 2-d and 3-d
 * pyramids with identity, upsampling, all-ones and empty levels; the OpenCL one-pass kernel and its
 * level-by-level fallback for planes too large for local memory; PSPNet's pyramid against PyTorch.
 */
class PyramidTest {
    static long seed;

    @BeforeAll
    static void seed() {
        seed = Seeds.seed("PyramidTest");
    }

    static int between(Random r, int lo, int hi) {
        return lo + r.nextInt(hi - lo + 1);
    }

    /** A random pyramid of 1 to 5 levels for inputs of {@code spatial} sizes. */
    static PyramidPool randomPyramid(Random r, int rank, long[] spatial, PoolMode mode, boolean withIndices) {
        List<OutputSize> levels = new ArrayList<>();
        int count = between(r, 1, 5);
        for (int l = 0; l < count; l++) {
            int kind = r.nextInt(10);
            if (kind == 0) {
                levels.add(OutputSize.of(1));
            } else if (kind == 1) {
                Long[] none = new Long[rank];
                levels.add(OutputSize.ofNullable(none)); // identity: every axis None
            } else if (kind == 2 && r.nextInt(3) == 0) {
                levels.add(OutputSize.of(0));
            } else {
                long[] s = new long[rank];
                for (int a = 0; a < rank; a++) {
                    s[a] = kind == 3 ? spatial[a] + between(r, 1, 4) : between(r, 1, (int) spatial[a]);
                }
                levels.add(OutputSize.of(s));
            }
        }
        return new PyramidPool(mode, rank, levels, withIndices);
    }

    static void assertLevelsEqualSinglePoolings(Clpool engine, Clpool reference, Tensor x, PyramidPool pyramid, String what) {
        List<PoolResult> levels = engine.pyramid(x, pyramid);
        assertEquals(pyramid.size(), levels.size(), what);
        for (int l = 0; l < pyramid.size(); l++) {
            String level = what + ", level " + l + " (" + pyramid.level(l) + ")";
            PoolResult alone = reference.pool(x, pyramid.level(l));
            TensorAssert.assertBitExact(alone.values(), levels.get(l).values(), level);
            if (pyramid.withIndices()) {
                TensorAssert.assertSameIndices(alone.indices(), levels.get(l).indices(), level);
            } else {
                assertNull(levels.get(l).indices(), level);
            }
        }
    }

    static Tensor randomInput(Random r, long[] shape) {
        float[] x = new float[Math.toIntExact(Shape.of(shape).elementCount())];
        boolean ties = r.nextInt(3) == 0;
        for (int i = 0; i < x.length; i++) {
            x[i] = ties ? r.nextInt(3) - 1 : r.nextInt(40) == 0 ? Float.NaN : (float) r.nextGaussian();
        }
        return Tensor.of(x, shape);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(TestDevices.ENGINES)
    void everyLevelIsThePoolingToItsSizeBitForBit(TestDevices.EngineSource engine) {
        Clpool clpool = engine.get();
        Clpool java = TestDevices.java();
        Random r = new Random(seed);
        for (int k = 0; k < 90; k++) {
            int rank = 1 + k % 3;
            long[] spatial = new long[rank];
            for (int a = 0; a < rank; a++) {
                spatial[a] = rank == 1 ? between(r, 1, 60) : rank == 2 ? between(r, 1, 20) : between(r, 1, 8);
            }
            long n = r.nextInt(20) == 0 ? 0 : 1;
            long planes = between(r, 1, 11);
            long[] shape = n == 1 && r.nextBoolean() ? Pool1d3dTest.prepend(planes, spatial)
                    : Pool1d3dTest.prepend(n, Pool1d3dTest.prepend(planes, spatial));
            PoolMode mode = r.nextBoolean() ? PoolMode.AVG : PoolMode.MAX;
            PyramidPool pyramid = randomPyramid(r, rank, spatial, mode, mode == PoolMode.MAX && r.nextBoolean());
            Tensor x = randomInput(r, shape);
            String what = clpool.device() + ", " + Seeds.describe(seed) + ", case " + k + ": " + pyramid + " of " + x.shape();
            assertLevelsEqualSinglePoolings(clpool, clpool, x, pyramid, what);
            assertLevelsEqualSinglePoolings(clpool, java, x, pyramid, what + " (against the Java path)");
        }
    }

    @Test
    void everyOpenClMethodGivesTheSameBits() {
        TestDevices.openCl(); // skips without OpenCL, fails in CI
        Clpool java = TestDevices.java();
        Random r = new Random(seed ^ 0x5a5a);
        PyramidPool psp = PyramidPool.avg2d(1, 2, 3, 6);
        Tensor small = randomInput(r, new long[] {2, 24, 16, 16});
        // 200x200 floats are 160 KB: more than a work-group's tile, so a GPU would pool level by level.
        Tensor large = randomInput(r, new long[] {1, 3, 200, 200});
        Tensor volume = randomInput(r, new long[] {2, 3, 5, 6, 7});
        PyramidPool p3 = PyramidPool.of(PoolMode.MAX, 3, true, OutputSize.of(1), OutputSize.of(2, 3, 3), OutputSize.ofNullable(null, 2L, null));
        // Forced by name, each pyramid method runs where it can: the staged kernel where a plane fits in a
        // work-group's tile (not a 200x200 plane), the plane-run kernel and level by level everywhere; auto,
        // on a CPU device (PoCL in CI), takes the plane-run kernel.
        for (String kernel : List.of("pyramid_staged", "pyramid_planes", "pyramid_levels", "auto")) {
            Clpool cl = TestDevices.forced(kernel);
            {
                String expected = kernel.equals("auto") ? (cl.openClDevices().get(0).isGpu() ? "pyramid_staged" : "pyramid_planes") : kernel;
                assertEquals(expected, cl.kernelFor(small.shape(), psp), kernel + ", a 16x16 plane");
                if (kernel.equals("pyramid_staged")) {
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cl.kernelFor(large.shape(), psp));
                    assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
                } else if (!kernel.equals("auto")) {
                    assertEquals(kernel, cl.kernelFor(large.shape(), psp), kernel + ", a 200x200 plane");
                }
                String what = Seeds.describe(seed) + ", kernel " + kernel;
                for (Tensor x : kernel.equals("pyramid_staged") ? List.of(small) : List.of(small, large)) {
                    for (PyramidPool p : List.of(psp, PyramidPool.max2d(true, 1, 2, 4), PyramidPool.max2d(false, 3, 5))) {
                        try (LaunchLog log = LaunchLog.capture()) {
                            assertLevelsEqualSinglePoolings(cl, java, x, p, what + ", " + p + " of " + x.shape());
                            // What ran on the device is the method the registry named: its kernel, or for
                            // pyramid_levels one pooling kernel per level.
                            String method = cl.kernelFor(x.shape(), p);
                            Set<String> ran = log.kernelsOn(cl.openClDevices().get(0).describe());
                            assertTrue(method.equals("pyramid_levels") ? ran.stream().noneMatch(k -> k.startsWith("pyramid"))
                                    : ran.contains(method), what + ", " + p + ": " + method + ", launches " + log.lines());
                        }
                    }
                }
                assertLevelsEqualSinglePoolings(cl, java, volume, p3, what + ", " + p3);
                for (int k = 0; k < 15; k++) {
                    int rank = 1 + k % 3;
                    long[] spatial = new long[rank];
                    for (int a = 0; a < rank; a++) {
                        spatial[a] = rank == 1 ? between(r, 1, 60) : rank == 2 ? between(r, 1, 20) : between(r, 1, 8);
                    }
                    PoolMode mode = r.nextBoolean() ? PoolMode.AVG : PoolMode.MAX;
                    PyramidPool p = randomPyramid(r, rank, spatial, mode, mode == PoolMode.MAX && r.nextBoolean());
                    Tensor x = randomInput(r, Pool1d3dTest.prepend(between(r, 1, 9), spatial));
                    if (runs(cl, x.shape(), p)) {
                        assertLevelsEqualSinglePoolings(cl, java, x, p, what + ", case " + k + ": " + p + " of " + x.shape());
                    }
                }
            }
        }
    }

    /** Whether {@code cl}'s forced pyramid method computes {@code p} of this shape: false where it refuses it. */
    private static boolean runs(Clpool cl, Shape shape, PyramidPool p) {
        try {
            cl.kernelFor(shape, p);
            return true;
        } catch (IllegalArgumentException e) {
            if (e.getMessage().startsWith("kernel: clpool.kernel=")) {
                return false;
            }
            throw e;
        }
    }

    @Test
    void chunksOfPlanesGiveTheSameBits() {
        TestDevices.openCl();
        Clpool java = TestDevices.java();
        // An 8 KiB cap: 40 planes of 12x12 and their 1 + 36 + 144 + 4 output cells go through in chunks of
        // 11 planes (avg) or 5 (max, with int64 indices).
        try (Clpool cl = Clpool.open(DeviceSelector.opencl(), OpenClOptions.defaults().withMaxAllocationBytes(8192))) {
            Random r = new Random(seed ^ 0xc0);
            Tensor x = randomInput(r, new long[] {4, 10, 12, 12});
            for (PyramidPool p : List.of(PyramidPool.avg2d(1, 6, 12, 2), PyramidPool.max2d(true, 1, 6, 12, 2))) {
                assertLevelsEqualSinglePoolings(cl, java, x, p, Seeds.describe(seed) + ", " + p + " in chunks");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(TestDevices.ENGINES)
    void pspNetsPyramidMatchesPyTorch(TestDevices.EngineSource engine) {
        Clpool clpool = engine.get();
        Random r = new Random(seed ^ 0x959);
        long[] shape = {2, 8, 13, 17};
        float[] x = new float[2 * 8 * 13 * 17];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        long[] sizes = {1, 2, 3, 6};
        List<Tensor> avg = clpool.adaptiveAvgPyramid2d(Tensor.of(x, shape), sizes);
        List<PoolResult> max = clpool.adaptiveMaxPyramid2d(Tensor.of(x, shape), sizes);
        for (int l = 0; l < sizes.length; l++) {
            long s = sizes[l];
            String what = clpool.device() + ", " + Seeds.describe(seed) + ", level " + s;
            Torch.Outcome ta = TorchOps.pool(PoolMode.AVG, x, shape, s, s);
            Torch.Outcome tm = TorchOps.pool(PoolMode.MAX, x, shape, s, s);
            if (s == 1) {
                TensorAssert.assertClose(Tensor.of(ta.values(), ta.shape()), avg.get(l), what + " avg (PyTorch's mean())");
            } else {
                TensorAssert.assertBitExact(Tensor.of(ta.values(), ta.shape()), avg.get(l), what + " avg");
            }
            TensorAssert.assertBitExact(Tensor.of(tm.values(), tm.shape()), max.get(l).values(), what + " max");
        }
    }

    @Test
    void checksAndEmptyInputs() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PyramidPool.avg2d());
        assertTrue(e.getMessage().startsWith("outputSizes:"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PyramidPool.of(PoolMode.AVG, 2, true, OutputSize.of(1)));
        assertTrue(e.getMessage().startsWith("withIndices:"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PyramidPool.of(PoolMode.AVG, 4, false, OutputSize.of(1)));
        assertTrue(e.getMessage().startsWith("spatialRank:"), e.getMessage());
        assertThrows(NullPointerException.class, () -> PyramidPool.of(PoolMode.AVG, 2, false, OutputSize.of(1), null));
        assertEquals("pyramid of adaptive_max_pool2d(output_size=1 | 2 | (None, 3), return_indices=True)",
                PyramidPool.of(PoolMode.MAX, 2, true, OutputSize.of(1), OutputSize.of(2), OutputSize.ofNullable(null, 3L)).toString());
        try (Clpool c = Clpool.using(SpyBackend.forbidding())) {
            Tensor x = Tensor.of(new float[24], 1, 2, 3, 4);
            e = assertThrows(IllegalArgumentException.class,
                    () -> c.pyramid(x, PyramidPool.of(PoolMode.AVG, 2, false, OutputSize.of(1), OutputSize.of(1, 2, 3))));
            assertTrue(e.getMessage().contains("(1, 2, 3)") && e.getMessage().contains("expected 2 sizes"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> c.pyramid(Tensor.of(new float[24], 2, 3, 4), PyramidPool.of(PoolMode.AVG, 3, false, OutputSize.of(1))));
            assertTrue(e.getMessage().contains("adaptive_avg_pool3d"), e.getMessage());
            // Nothing to compute: an empty batch, or only empty levels.
            List<PoolResult> empty = c.pyramid(Tensor.of(new float[0], 0, 2, 3, 4), PyramidPool.max2d(true, 1, 2));
            assertEquals(Shape.of(0, 2, 2, 2), empty.get(1).values().shape());
            assertEquals(Shape.of(0, 2, 2, 2), empty.get(1).indices().shape());
            assertEquals(Shape.of(1, 2, 0, 0), c.pyramid(x, PyramidPool.avg2d(0)).get(0).values().shape());
        }
        // The backend's own pyramid is what runs, once for all levels (the SPI pools nothing itself).
        SpyBackend spy = SpyBackend.counting();
        try (Clpool c = Clpool.using(spy)) {
            List<PoolResult> levels = c.pyramid(Tensor.of(new float[24], 1, 2, 3, 4), PyramidPool.avg2d(1, 0, 2));
            assertEquals(1, spy.pyramidCalls.get());
            assertEquals(0, spy.poolCalls.get());
            assertEquals(3, levels.size());
            assertEquals(0, levels.get(1).values().elementCount());
        }
    }
}
