package dev.clpool.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.op.AdaptivePool;
import dev.clpool.op.OutputSize;
import dev.clpool.op.PyramidPool;
import dev.clpool.plan.PoolPlan;
import dev.clpool.plan.PyramidPlan;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Shape;
import org.junit.jupiter.api.Test;

/**
 * The registries' choices on made-up devices, so that the GPU branches are tested on a machine that has
 * only a CPU: a discrete GPU (H200-like), an integrated GPU and a CPU device (PoCL-like), each with its
 * tuning from the table.
 */
class KernelRegistryTest {
    static final DeviceInfo GPU = device("NVIDIA H200", "NVIDIA Corporation", "GPU", 132, 48L << 10, false);
    static final DeviceInfo IGPU = device("Intel(R) UHD Graphics 770", "Intel(R) Corporation", "GPU", 32, 64L << 10, true);
    static final DeviceInfo CPU = device("pthread-zen3", "AuthenticAMD", "CPU", 2, 1L << 20, true);

    static DeviceInfo device(String name, String vendor, String type, int computeUnits, long localMemory, boolean unified) {
        return new DeviceInfo(0, 0, "Platform", name, vendor, type, "OpenCL 3.0", "1.0", "OpenCL C 1.2", computeUnits,
                80L << 30, 20L << 30, localMemory, 1024, true, unified, "cl_khr_fp64", "", "");
    }

    static String kernel(DeviceInfo device, long[] shape, AdaptivePool op, DType dtype, Layout layout) {
        PoolPlan plan = PoolPlan.of(Shape.of(shape), op);
        return PoolKernels.choose(new PoolQuery(plan, dtype, layout, plan.planes(), device, Tuning.of(device)), "auto").name;
    }

    static String kernel(DeviceInfo device, long[] shape, AdaptivePool op) {
        return kernel(device, shape, op, DType.FLOAT32, Layout.CONTIGUOUS);
    }

    static final AdaptivePool AVG7 = AdaptivePool.avg2d(OutputSize.of(7));
    static final AdaptivePool MAX7 = AdaptivePool.max2d(OutputSize.of(7), true);

    @Test
    void discreteGpus() {
        assertEquals("copy", kernel(GPU, new long[] {8, 64, 14, 14}, AdaptivePool.avg2d(OutputSize.of(14))));
        assertEquals("segments", kernel(GPU, new long[] {256, 2048, 14, 14}, AdaptivePool.avg2d(OutputSize.of(1))), "global pooling");
        assertEquals("segments", kernel(GPU, new long[] {64, 64, 224, 224}, MAX7), "bins of 32x32");
        assertEquals("tiled", kernel(GPU, new long[] {64, 512, 14, 14}, AVG7), "bins of 2x2: below a segment step's half");
        assertEquals("cell", kernel(GPU, new long[] {1, 64, 10, 9}, AdaptivePool.max2d(OutputSize.of(80, 60), true)), "upsampling");
        assertEquals("cell", kernel(GPU, new long[] {64, 512, 28, 28}, AVG7, DType.FLOAT32, Layout.CHANNELS_LAST),
                "channels last: coalesced along C");
        assertEquals("segments", kernel(GPU, new long[] {8, 16, 20, 20, 20}, AdaptivePool.avg3d(OutputSize.of(4))), "3-d");
        assertEquals("segments", kernel(GPU, new long[] {64, 512, 28, 28}, AVG7, DType.FLOAT64, Layout.CONTIGUOUS),
                "float64 fits a segment tile of doubles");
        assertEquals("cell", kernel(GPU, new long[] {64, 512, 14, 14}, AVG7, DType.FLOAT64, Layout.CONTIGUOUS),
                "float64 never tiles, and 2x2 bins are too small for segments");
    }

    @Test
    void integratedGpusAndCpus() {
        assertEquals("segments", kernel(IGPU, new long[] {64, 2048, 7, 7}, AdaptivePool.avg2d(OutputSize.of(1))));
        assertEquals("planes", kernel(CPU, new long[] {64, 512, 14, 14}, AVG7), "enough planes for every core");
        assertEquals("cell", kernel(CPU, new long[] {1, 2, 96, 80}, MAX7), "too few planes to share out");
        assertEquals("channels_last_blocks", kernel(CPU, new long[] {8, 64, 14, 14}, MAX7, DType.FLOAT16, Layout.CHANNELS_LAST));
        assertEquals("copy", kernel(CPU, new long[] {8, 64, 14, 14}, AdaptivePool.max2d(OutputSize.of(14), true), DType.FLOAT32,
                Layout.CHANNELS_LAST));
    }

    @Test
    void aForcedKernelRunsWhereItCanAndIsRefusedWhereItCannot() {
        PoolPlan plan3d = PoolPlan.of(Shape.of(2, 3, 8, 8, 8), AdaptivePool.avg3d(OutputSize.of(2)));
        PoolQuery q = new PoolQuery(plan3d, DType.FLOAT32, Layout.CONTIGUOUS, 6, CPU, Tuning.of(CPU));
        assertEquals("segments", PoolKernels.choose(q, "segments").name, "a GPU kernel runs on a CPU device when forced");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PoolKernels.choose(q, "tiled"));
        assertTrue(e.getMessage().startsWith("kernel: clpool.kernel=tiled cannot pool adaptive_avg_pool3d")
                && e.getMessage().endsWith("it pools 2-d plans"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PoolKernels.choose(q, "copy"));
        assertTrue(e.getMessage().contains("the output size is not the input's"), e.getMessage());
        assertEquals("cell", PoolKernels.choose(q, "pyramid_planes").name, "a pyramid name leaves poolings to the registry (6 planes: too few for planes)");
        e = assertThrows(IllegalArgumentException.class, () -> new OpenClOptions("fastest", 0, null));
        assertTrue(e.getMessage().startsWith("kernel: expected auto or one of copy, segments, tiled") && e.getMessage().contains("'fastest'"),
                e.getMessage());
    }

    @Test
    void pyramidMethods() {
        PyramidPlan small = PyramidPlan.of(Shape.of(8, 64, 16, 16), PyramidPool.avg2d(1, 2, 3, 6));
        PyramidPlan large = PyramidPlan.of(Shape.of(1, 3, 200, 200), PyramidPool.avg2d(1, 2, 3, 6));
        assertEquals(PyramidKernels.Method.STAGED, PyramidKernels.choose(small, small.planes(), GPU, Tuning.of(GPU), "auto"));
        assertEquals(PyramidKernels.Method.LEVELS, PyramidKernels.choose(large, large.planes(), GPU, Tuning.of(GPU), "auto"),
                "a 200x200 plane does not fit a tile: level by level");
        assertEquals(PyramidKernels.Method.PLANES, PyramidKernels.choose(large, large.planes(), CPU, Tuning.of(CPU), "auto"));
        assertThrows(IllegalArgumentException.class, () -> PyramidKernels.choose(large, 3, GPU, Tuning.of(GPU), "pyramid_staged"));
    }

    @Test
    void tuningComesFromTheTableByTypeVendorAndDeviceAndSystemPropertiesOverrideIt() {
        Tuning cpu = Tuning.of(CPU);
        assertEquals(2, cpu.planesSide(), "the cpu scope's entry over the default's 8");
        assertEquals(8, Tuning.of(GPU).planesSide(), "the default");
        assertEquals(128, cpu.segmentCells());
        assertTrue(cpu.defines().contains("-DPLANES_SIDE=2") && cpu.defines().contains("-DSEG_CELLS=128"), cpu.defines());
        System.setProperty("clpool.tuning.segmentMinBinCells", "100000");
        try {
            assertEquals("tiled", kernel(GPU, new long[] {64, 512, 28, 28}, AVG7), "segments switched off by the override");
        } finally {
            System.clearProperty("clpool.tuning.segmentMinBinCells");
        }
        System.setProperty("clpool.tuning.segmentCells", "100");
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tuning.of(GPU));
            assertTrue(e.getMessage().contains("segmentCells") && e.getMessage().contains("100"), e.getMessage());
        } finally {
            System.clearProperty("clpool.tuning.segmentCells");
        }
    }
}
