package dev.clpool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.op.AdaptivePool;
import dev.clpool.op.DevicePoolResult;
import dev.clpool.op.OutputSize;
import dev.clpool.op.PoolResult;
import dev.clpool.opencl.OpenClBackend;
import dev.clpool.opencl.OpenClOptions;
import dev.clpool.plan.PoolPlan;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.DeviceTensor;
import dev.clpool.tensor.Float16;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import dev.clpool.testing.Seeds;
import dev.clpool.testing.StorageAssert;
import dev.clpool.testing.TestDevices;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The OpenCL programs of each storage type, and the channels-last kernel, against the Java path: every
 * value bit-identical (float16 and bfloat16 NaNs too, which both paths write as one canonical NaN; float32
 * and float64 NaNs match any NaN) and every index equal, over random shapes and hostile values, with each
 * kernel family forced in turn (cell, planes, tiled, copy) and with host tensors split into chunks.
 * Then float64 on a device without cl_khr_fp64, device tensors of every type and layout, and the large
 * float16 bins whose float16 sums would overflow.
 */
class StorageOpenClVsJavaTest {
    static final int CASES = 36;
    static final List<DType> DTYPES = List.of(DType.FLOAT16, DType.BFLOAT16, DType.FLOAT64, DType.FLOAT32);
    static long seed;

    @BeforeAll
    static void seed() {
        seed = Seeds.seed("StorageOpenClVsJavaTest");
    }

    static final float[] HOSTILE = {Float.NaN, Float.intBitsToFloat(0xffc00001), Float.POSITIVE_INFINITY,
        Float.NEGATIVE_INFINITY, 0f, -0f, Float.MIN_VALUE, 0x1p-24f, -0x1p-25f, 0x1.8p-25f, 6.1e-5f, 65504f, -65504f, 65519f,
        65520f, 3e38f, -2.5e38f, 1f, -1f, 1.00048828125f};

    /** A random input: hostile values (NaN, infinities, signed zeros, subnormals, overflows) or normal ones. */
    static Tensor input(Random r, DType dtype, long[] shape) {
        int n = Math.toIntExact(Shape.of(shape).elementCount());
        boolean hostile = r.nextBoolean();
        if (dtype == DType.FLOAT64) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = hostile && r.nextBoolean() ? HOSTILE[r.nextInt(HOSTILE.length)] * (r.nextBoolean() ? 1 : 1e300)
                        : r.nextGaussian() * 10;
            }
            return Tensor.of(v, shape);
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = hostile && r.nextBoolean() ? HOSTILE[r.nextInt(HOSTILE.length)] : (float) r.nextGaussian() * 10;
        }
        return Tensor.of(v, shape).to(dtype);
    }

    @ParameterizedTest(name = "kernel {0}")
    @MethodSource(TestDevices.POOL_KERNELS)
    void everyDtypeAndLayoutIsBitIdenticalToJava(String kernel) {
        Clpool cl = TestDevices.forced(kernel);
        Clpool java = TestDevices.java();
        Random r = new Random(seed ^ kernel.hashCode());
        int ran = 0;
        for (int k = 0; k < CASES; k++) {
            DType dtype = DTYPES.get(k % DTYPES.size());
            long c = r.nextInt(3) == 0 ? 33 + r.nextInt(40) : 1 + r.nextInt(4);
            long h = 1 + r.nextInt(r.nextInt(4) == 0 ? 40 : 12);
            long w = 1 + r.nextInt(r.nextInt(4) == 0 ? 40 : 12);
            long[] shape = {1 + r.nextInt(3), c, h, w};
            boolean identity = k % 6 == 5; // for the copy kernel
            Long oh = identity || r.nextInt(10) == 0 ? null : (long) 1 + r.nextInt((int) h + 4);
            Long ow = identity || r.nextInt(10) == 0 ? null : (long) 1 + r.nextInt((int) w + 4);
            OutputSize size = OutputSize.ofNullable(oh, ow);
            Tensor x = input(r, dtype, shape);
            for (Layout layout : Layout.values()) {
                if (dtype == DType.FLOAT32 && layout == Layout.CONTIGUOUS) {
                    continue; // OpenClVsJavaTest's
                }
                Tensor in = x.toLayout(layout);
                String what = Seeds.describe(seed) + ", kernel " + kernel + ", case " + k + ": " + dtype + " " + layout
                        + " " + Arrays.toString(shape) + " -> " + size;
                for (AdaptivePool op : new AdaptivePool[] {AdaptivePool.avg2d(size), AdaptivePool.max2d(size, true),
                    AdaptivePool.max2d(size, false)}) {
                    if (!TestDevices.runs(cl, in, op)) {
                        continue;
                    }
                    ran++;
                    PoolResult expected = java.pool(in, op);
                    PoolResult actual = cl.pool(in, op);
                    StorageAssert.assertBitExact(expected.values(), actual.values(), what + ", " + op);
                    if (dtype == DType.FLOAT16 || dtype == DType.BFLOAT16) {
                        assertTrue(Arrays.equals(expected.values().shorts(), actual.values().shorts()),
                                what + ", " + op + ": 16-bit results identical, NaN bits too");
                    }
                    if (op.withIndices()) {
                        assertEquals(layout, actual.indices().layout(), what);
                        assertTrue(Arrays.equals(expected.indices().int64s(), actual.indices().int64s()), what + ": indices");
                    } else {
                        assertNull(actual.indices());
                    }
                }
            }
        }
        assertTrue(ran > 0, "kernel " + kernel + " ran none of the cases");
    }

    @Test
    void hostTensorsSplitIntoChunksOfWholePlanesOrBatchElements() {
        TestDevices.openCl();
        Clpool java = TestDevices.java();
        Random r = new Random(seed ^ 0xc4a);
        // 1 KiB allocations: a few planes (or one batch element) per chunk.
        try (Clpool small = Clpool.open(DeviceSelector.opencl(), OpenClOptions.defaults().withMaxAllocationBytes(1024))) {
            for (DType dtype : DTYPES) {
                Tensor x = input(r, dtype, new long[] {5, 3, 6, 7});
                for (Layout layout : Layout.values()) {
                    Tensor in = x.toLayout(layout);
                    for (AdaptivePool op : new AdaptivePool[] {AdaptivePool.avg2d(OutputSize.of(4, 3)),
                        AdaptivePool.max2d(OutputSize.of(2, 5), true)}) {
                        String what = Seeds.describe(seed) + ", chunked " + dtype + " " + layout + " " + op;
                        PoolResult e = java.pool(in, op);
                        PoolResult a = small.pool(in, op);
                        StorageAssert.assertBitExact(e.values(), a.values(), what);
                        if (op.withIndices()) {
                            assertTrue(Arrays.equals(e.indices().int64s(), a.indices().int64s()), what);
                        }
                    }
                }
            }
            // One channels-last batch element larger than an allocation is refused, naming the remedy.
            Tensor big = Tensor.zeros(DType.FLOAT32, Shape.of(1, 64, 4, 4), Layout.CHANNELS_LAST);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> small.pool(big, AdaptivePool.avg2d(OutputSize.of(2))));
            assertTrue(e.getMessage().contains("batch element") && e.getMessage().contains("Java path"), e.getMessage());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(TestDevices.ENGINES)
    void deviceTensorsKeepTheirDtypeAndLayout(TestDevices.EngineSource engine) {
        Clpool clpool = engine.get();
        Clpool java = TestDevices.java();
        Random r = new Random(seed ^ 0xde7);
        for (DType dtype : DTYPES) {
            for (Layout layout : Layout.values()) {
                Tensor in = input(r, dtype, new long[] {2, 5, 9, 7}).toLayout(layout);
                AdaptivePool op = AdaptivePool.max2d(OutputSize.of(4, 3), true);
                String what = clpool.device() + ", " + dtype + " " + layout;
                try (DeviceTensor x = clpool.upload(in); DevicePoolResult y = clpool.pool(x, op);
                     DevicePoolResult z = clpool.pool(x, AdaptivePool.avg2d(OutputSize.of(3)))) {
                    assertEquals(dtype, x.dtype(), what);
                    assertEquals(layout, x.layout(), what);
                    assertEquals(layout, y.values().layout(), what);
                    assertEquals(DType.INT64, y.indices().dtype(), what);
                    StorageAssert.assertBitExact(in, clpool.download(x), what + ": upload then download");
                    PoolResult expected = java.pool(in, op);
                    StorageAssert.assertBitExact(expected.values(), clpool.download(y.values()), what + ", max");
                    Tensor idx = clpool.download(y.indices());
                    assertEquals(layout, idx.layout(), what);
                    assertTrue(Arrays.equals(expected.indices().int64s(), idx.int64s()), what + ": indices");
                    StorageAssert.assertBitExact(java.pool(in, AdaptivePool.avg2d(OutputSize.of(3))).values(),
                            clpool.download(z.values()), what + ", avg");
                }
            }
        }
        // Empty outputs keep the dtype and layout too.
        Tensor empty = Tensor.zeros(DType.FLOAT16, Shape.of(0, 3, 4, 4), Layout.CHANNELS_LAST);
        try (DeviceTensor x = clpool.upload(empty); DevicePoolResult y = clpool.pool(x, AdaptivePool.max2d(OutputSize.of(2), true))) {
            Tensor v = clpool.download(y.values());
            assertEquals(DType.FLOAT16, v.dtype());
            assertEquals(Layout.CHANNELS_LAST, v.layout());
            assertEquals(Shape.of(0, 3, 2, 2), v.shape());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(TestDevices.ENGINES)
    void largeFloat16BinsAverageToAFiniteValue(TestDevices.EngineSource engine) {
        // 100 x 100 cells of 65504, the largest float16: a float16 sum would overflow at the second cell
        // (PyTorch's old infinity bug); summed in float32, the average is the largest float16 again.
        Clpool clpool = engine.get();
        short[] bits = new short[2 * 100 * 100];
        Arrays.fill(bits, Float16.fromFloat(65504f));
        for (Layout layout : Layout.values()) {
            Tensor x = Tensor.ofFloat16(bits, 1, 2, 100, 100).toLayout(layout);
            for (OutputSize size : new OutputSize[] {OutputSize.of(1), OutputSize.of(1, 2)}) {
                Tensor avg = clpool.adaptiveAvgPool2d(x, size);
                for (short h : avg.shorts()) {
                    assertEquals(65504f, Float16.toFloat(h), clpool.device() + ", " + layout + " " + size);
                }
            }
            // Mixed signs and magnitudes near the top: still finite and equal to float32's rounded result.
            short[] mixed = new short[2 * 100 * 100];
            for (int i = 0; i < mixed.length; i++) {
                mixed[i] = Float16.fromFloat(i % 3 == 0 ? -60000f : 65504f);
            }
            Tensor m = Tensor.ofFloat16(mixed, 1, 2, 100, 100).toLayout(layout);
            Tensor viaFloat = TestDevices.java().adaptiveAvgPool2d(m.to(DType.FLOAT32), OutputSize.of(1)).to(DType.FLOAT16);
            StorageAssert.assertBitExact(viaFloat.toLayout(layout), clpool.adaptiveAvgPool2d(m, OutputSize.of(1)), clpool.device()
                    + ", " + layout + ", mixed");
        }
    }

    @Test
    void kernelChoiceForChannelsLastAndFloat64() {
        Clpool cl = TestDevices.openCl();
        AdaptivePool max = AdaptivePool.max2d(OutputSize.of(7), true);
        AdaptivePool identity = AdaptivePool.avg2d(OutputSize.of(14));
        Tensor x = Tensor.zeros(DType.FLOAT32, Shape.of(2, 8, 14, 14), Layout.CONTIGUOUS);
        // Channels last: the block kernel on CPU devices, the reference (coalesced along C) on GPUs; identity
        // plans are copies in either layout, with or without indices.
        String channelsLast = cl.openClDevices().get(0).isGpu() ? "cell" : "channels_last_blocks";
        assertEquals(channelsLast, cl.kernelFor(x.to(DType.FLOAT16).withLayout(Layout.CHANNELS_LAST), max));
        assertEquals("copy", cl.kernelFor(x.withLayout(Layout.CHANNELS_LAST), identity));
        assertEquals("copy", cl.kernelFor(x.to(DType.FLOAT64).withLayout(Layout.CHANNELS_LAST),
                AdaptivePool.max2d(OutputSize.of(14), true)), "identity with indices");
        // float64 never tiles: the tiled kernel's local memory holds floats; forced, it says so.
        Clpool tiled = TestDevices.forced("tiled");
        assertEquals("tiled", tiled.kernelFor(x.to(DType.FLOAT16), max));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tiled.kernelFor(x.to(DType.FLOAT64), max));
        assertTrue(e.getMessage().startsWith("kernel: clpool.kernel=tiled cannot pool") && e.getMessage().contains("float64"),
                e.getMessage());
    }
}
