package dev.clpool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.op.AdaptivePool;
import dev.clpool.op.DevicePoolResult;
import dev.clpool.op.OutputSize;
import dev.clpool.op.PoolResult;
import dev.clpool.op.PyramidPool;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.DeviceTensor;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import dev.clpool.testing.Seeds;
import dev.clpool.testing.StorageAssert;
import dev.clpool.testing.TestDevices;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The host-tensor contract: a tensor in an NIO buffer (direct or heap, little- or big-endian, any
 * floating dtype, either layout) pools to the same bits as the same elements in a Java array, on both
 * paths, without the buffer being changed; results come back in the input's kind of storage, or in the
 * caller's own tensors; and a Clpool is the scope of the device tensors it hands out.
 */
class HostStorageTest {
    private static final AdaptivePool AVG = AdaptivePool.avg2d(OutputSize.of(3, 4));
    private static final AdaptivePool MAX = AdaptivePool.max2d(OutputSize.of(5, 2), true);

    /** The same elements as {@code heap}, copied into a buffer of {@code bytes}' kind and order. */
    private static Tensor inBuffer(Tensor heap, ByteBuffer bytes) {
        Tensor t = Tensor.of(bytes, heap.dtype(), heap.shape()).withLayout(heap.layout());
        heap.copyInto(t);
        return t;
    }

    private static List<ByteBuffer> buffersFor(Tensor t) {
        int n = (int) t.elementCount() * t.dtype().byteSize();
        return List.of(ByteBuffer.allocateDirect(n).order(ByteOrder.nativeOrder()), ByteBuffer.allocateDirect(n).order(ByteOrder.BIG_ENDIAN),
                ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN));
    }

    private static Tensor input(long seed, DType dtype, Layout layout) {
        Random r = new Random(seed);
        float[] x = new float[2 * 5 * 9 * 7];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextInt(8) == 0 ? Float.NaN : (float) Math.rint(r.nextGaussian() * 4) / 4; // ties and NaN
        }
        Tensor t = Tensor.of(x, 2, 5, 9, 7);
        t = dtype == DType.FLOAT32 ? t : t.to(dtype);
        return layout == Layout.CONTIGUOUS ? t : t.toLayout(layout);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(TestDevices.ENGINES)
    void buffersPoolToTheBitsOfArraysAndResultsKeepTheirKind(TestDevices.EngineSource engine) {
        Clpool clpool = engine.get();
        long seed = Seeds.seed("HostStorageTest");
        for (DType dtype : List.of(DType.FLOAT32, DType.FLOAT16, DType.BFLOAT16, DType.FLOAT64)) {
            for (Layout layout : Layout.values()) {
                Tensor heap = input(seed, dtype, layout);
                for (AdaptivePool op : List.of(AVG, MAX)) {
                    PoolResult expected = clpool.pool(heap, op);
                    for (ByteBuffer bytes : buffersFor(heap)) {
                        Tensor buffered = inBuffer(heap, bytes);
                        ByteBuffer before = bytes.duplicate();
                        String what = Seeds.describe(seed) + ", " + clpool.device() + ", " + op + " of " + buffered + " " + bytes.order();
                        PoolResult actual = clpool.pool(buffered, op);
                        StorageAssert.assertBitExact(expected.values(), actual.values(), what);
                        StorageAssert.assertBitExact(expected.indices() == null ? expected.values() : expected.indices(),
                                actual.indices() == null ? actual.values() : actual.indices(), what + ", indices");
                        assertEquals(bytes.isDirect(), actual.values().isDirect(), what + ": results in the input's kind of storage");
                        assertEquals(before, bytes, what + ": the input buffer is untouched");
                        StorageAssert.assertBitExact(heap, buffered, what + ": the input's elements are untouched");
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(TestDevices.ENGINES)
    void poolIntoWritesTheCallersTensorsAndChecksThem(TestDevices.EngineSource engine) {
        Clpool clpool = engine.get();
        Tensor x = input(7, DType.FLOAT32, Layout.CONTIGUOUS);
        PoolResult expected = clpool.pool(x, MAX);
        Tensor values = Tensor.allocateDirect(DType.FLOAT32, expected.values().shape());
        Tensor indices = Tensor.allocateDirect(DType.INT64, expected.values().shape());
        clpool.poolInto(x, MAX, values, indices);
        StorageAssert.assertBitExact(expected.values(), values, clpool.device());
        StorageAssert.assertBitExact(expected.indices(), indices, clpool.device());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> clpool.poolInto(x, MAX, Tensor.allocateDirect(DType.FLOAT32, Shape.of(2, 5, 5, 3)), indices));
        assertTrue(e.getMessage().startsWith("values: expected float32 [2, 5, 5, 2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> clpool.poolInto(x, AVG, Tensor.zeros(DType.FLOAT32,
                Shape.of(2, 5, 3, 4), Layout.CONTIGUOUS), indices));
        assertTrue(e.getMessage().startsWith("indices: "), e.getMessage());
        assertThrows(NullPointerException.class, () -> clpool.poolInto(x, MAX, values, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(TestDevices.ENGINES)
    void pyramidsAndBackwardPassesTakeBuffersToo(TestDevices.EngineSource engine) {
        Clpool clpool = engine.get();
        Tensor heap = input(11, DType.FLOAT32, Layout.CONTIGUOUS);
        Tensor direct = heap.toDirect();
        PyramidPool pyramid = PyramidPool.max2d(true, 1, 2, 4);
        List<PoolResult> expected = clpool.pyramid(heap, pyramid);
        List<PoolResult> actual = clpool.pyramid(direct, pyramid);
        for (int l = 0; l < expected.size(); l++) {
            StorageAssert.assertBitExact(expected.get(l).values(), actual.get(l).values(), "level " + l);
            StorageAssert.assertBitExact(expected.get(l).indices(), actual.get(l).indices(), "level " + l);
            assertTrue(actual.get(l).values().isDirect());
        }
        PoolResult forward = clpool.pool(heap, MAX);
        Tensor grad = Tensor.of(new float[(int) forward.values().elementCount()], forward.values().shape());
        Arrays.fill(grad.floats(), 0.5f);
        Tensor expectedGrad = clpool.backward(MAX, heap.shape(), grad, forward.indices());
        Tensor actualGrad = clpool.backward(MAX, heap.shape(), grad.toDirect(), forward.indices().toDirect());
        StorageAssert.assertBitExact(expectedGrad, actualGrad, clpool.device());
        assertTrue(actualGrad.isDirect());
    }

    @Test
    void directTensorsAreZeroedPageAlignedAndNative() {
        Tensor t = Tensor.allocateDirect(DType.FLOAT16, Shape.of(3, 5));
        assertTrue(t.isDirect() && !t.hasArray());
        assertEquals(ByteOrder.nativeOrder(), ((ShortBuffer) t.buffer()).order());
        float[] back = new float[15];
        t.readFloats(0, back, 0, 15);
        assertEquals(0f, back[14]);
        IllegalStateException e = assertThrows(IllegalStateException.class, t::shorts);
        assertTrue(e.getMessage().contains("toHeap()"), e.getMessage());
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> Tensor.of(ByteBuffer.allocateDirect(10), DType.FLOAT32, Shape.of(3)));
        assertTrue(size.getMessage().contains("10 bytes") && size.getMessage().contains("12"), size.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(TestDevices.ENGINES)
    void closingAClpoolClosesItsDeviceTensorsAndTheyFailClearlyAfterwards(TestDevices.EngineSource engine) {
        Clpool opened = engine.get().isOpenCl() ? Clpool.open(DeviceSelector.opencl()) : Clpool.open(DeviceSelector.java());
        Tensor x = input(3, DType.FLOAT32, Layout.CONTIGUOUS);
        DeviceTensor onDevice = opened.upload(x);
        DevicePoolResult r = opened.pool(onDevice, AVG);
        Tensor downloaded = opened.download(r.values(), Tensor.allocateDirect(DType.FLOAT32, r.values().shape()));
        StorageAssert.assertBitExact(opened.pool(x, AVG).values(), downloaded, opened.device());
        try (Clpool other = Clpool.open(DeviceSelector.java())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> other.pool(onDevice, AVG));
            assertTrue(e.getMessage().startsWith("input: ") && e.getMessage().contains("does not belong to this Clpool"), e.getMessage());
        }
        opened.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> opened.download(r.values()));
        assertTrue(e.getMessage().contains("is closed"), e.getMessage());
        try (Clpool other = Clpool.open(DeviceSelector.java())) {
            assertThrows(IllegalArgumentException.class, () -> other.download(onDevice));
        }
        onDevice.close(); // idempotent after the scope closed it
        r.close();
    }
}
