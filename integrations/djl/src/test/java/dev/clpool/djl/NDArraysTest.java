package dev.clpool.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Where conversions share memory and where they copy, on DJL's PyTorch engine, proven by writing through one side. */
class NDArraysTest {
    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
        assertEquals("PyTorch", manager.getEngine().getEngineName());
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private static float[] ramp(int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = i * 0.5f - 3;
        }
        return f;
    }

    @Test
    void aContiguousCpuArrayIsSharedNotCopied() {
        NDArray array = manager.create(ramp(6), DjlTypes.shape(new long[] {2, 3}));
        Tensor t = NDArrays.toTensor(array);
        assertTrue(t.isDirect(), "toByteBuffer(true) is a direct view of libtorch's memory");
        assertEquals("[2, 3]", t.shape().toString());
        t.writeFloats(4, new float[] {42}, 0, 1);
        assertEquals(42, array.toFloatArray()[4], "a write through the clpool tensor is in the array");
    }

    @Test
    void aNonContiguousArrayIsCopiedIntoCOrder() {
        NDArray array = manager.create(ramp(6), DjlTypes.shape(new long[] {2, 3}));
        NDArray transposed = array.transpose(); // a strided view in libtorch
        Tensor t = NDArrays.toTensor(transposed);
        assertArrayEquals(transposed.toFloatArray(), t.toHeap().floats());
        t.writeFloats(0, new float[] {42}, 0, 1);
        assertArrayEquals(ramp(6), array.toFloatArray(), "the contiguous copy is not the array");
    }

    @Test
    void aDirectByteBufferIsWrappedByPyTorchWithoutACopy() {
        // What DjlPooling relies on for its results, and toNDArray for its one copy.
        ByteBuffer bytes = NDArrays.pageAligned(DType.FLOAT32, Shape.of(4));
        NDArray array = NDArrays.wrap(manager, bytes, DType.FLOAT32, Shape.of(4));
        bytes.putFloat(8, 2.5f);
        assertEquals(2.5f, array.toFloatArray()[2]);
    }

    @Test
    void aTensorBecomesAnArrayThroughOneCopy() {
        float[] data = ramp(6);
        NDArray array = NDArrays.toNDArray(manager, Tensor.of(data, 3, 2));
        assertArrayEquals(new long[] {3, 2}, array.getShape().getShape());
        assertEquals(DataType.FLOAT32, array.getDataType());
        data[0] = 100;
        assertArrayEquals(ramp(6), array.toFloatArray());
    }

    @Test
    void aBigEndianOrChannelsLastTensorArrivesAsItsValuesInCOrder() {
        ByteBuffer big = ByteBuffer.allocateDirect(24 * Float.BYTES).order(ByteOrder.BIG_ENDIAN);
        big.asFloatBuffer().put(ramp(24));
        Tensor logical = Tensor.of(big, DType.FLOAT32, Shape.of(2, 3, 2, 2));
        assertArrayEquals(ramp(24), NDArrays.toNDArray(manager, logical).toFloatArray());
        Tensor nhwc = logical.toLayout(Layout.CHANNELS_LAST);
        NDArray array = NDArrays.toNDArray(manager, nhwc);
        assertArrayEquals(new long[] {2, 3, 2, 2}, array.getShape().getShape());
        assertArrayEquals(ramp(24), array.toFloatArray());
    }

    @Test
    void everyElementTypeRoundTrips() {
        Tensor f32 = Tensor.of(ramp(6), 2, 3);
        for (DType dtype : new DType[] {DType.FLOAT16, DType.FLOAT64}) {
            NDArray array = NDArrays.toNDArray(manager, f32.to(dtype));
            assertEquals(DjlTypes.dataType(dtype), array.getDataType());
            assertArrayEquals(ramp(6), array.toType(DataType.FLOAT32, false).toFloatArray(), dtype.toString());
            Tensor back = NDArrays.toTensor(array);
            assertEquals(dtype, back.dtype());
            assertArrayEquals(f32.floats(), back.to(DType.FLOAT32).floats(), dtype.toString());
        }
        long[] indices = {0, 5, -1, Long.MAX_VALUE};
        NDArray longs = NDArrays.toNDArray(manager, Tensor.ofInt64(indices, Shape.of(2, 2)));
        assertArrayEquals(indices, longs.toLongArray());
        assertArrayEquals(indices, NDArrays.toTensor(longs).toHeap().int64s());
    }

    @Test
    void bfloat16IsRefusedBeforePyTorchCanAbortTheJvm() {
        Tensor bf16 = Tensor.of(ramp(6), 2, 3).to(DType.BFLOAT16);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NDArrays.toNDArray(manager, bf16));
        assertEquals("tensor: Tensor[2, 3] bfloat16: DJL's PyTorch engine aborts the JVM on bfloat16 arrays; convert it first,"
                + " e.g. tensor.to(DType.FLOAT32)", e.getMessage());
    }

    @Test
    void anElementTypeClpoolDoesNotHoldIsNamed() {
        NDArray ints = manager.create(new int[15], DjlTypes.shape(new long[] {1, 3, 5}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NDArrays.toTensor(ints));
        assertEquals("array: NDArray of int32 (1, 3, 5) on cpu(): expected float32, float16, bfloat16, float64 or int64",
                e.getMessage());
    }
}
