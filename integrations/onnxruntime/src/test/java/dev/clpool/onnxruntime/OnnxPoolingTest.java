package dev.clpool.onnxruntime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.clpool.Clpool;
import dev.clpool.op.AdaptivePool;
import dev.clpool.op.OutputSize;
import dev.clpool.op.PoolResult;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import dev.clpool.testing.TestDevices;
import java.nio.LongBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class OnnxPoolingTest {
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();
    private static final AdaptivePool MAX_5_7 = AdaptivePool.max2d(OutputSize.of(5, 7), true);

    private static Tensor sample(DType dtype, long... shape) {
        int n = Math.toIntExact(Shape.of(shape).elementCount());
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) Math.sin(i * 0.37) * 4; // rounds to float16 and bfloat16 with ties and overlaps
        }
        return Tensor.of(f, shape).to(dtype);
    }

    @ParameterizedTest
    @MethodSource(TestDevices.ENGINES)
    void poolsEveryFloatTypeAsTheCoreDoesIntoSharedMemory(TestDevices.EngineSource engine) throws OrtException {
        Clpool clpool = engine.get();
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT16, DType.BFLOAT16, DType.FLOAT64}) {
            Tensor x = sample(dtype, 2, 3, 11, 13);
            PoolResult expected = TestDevices.java().pool(x, MAX_5_7);
            try (OnnxTensor input = OnnxTensors.toOnnxTensor(ENV, x);
                 OnnxPoolResult r = OnnxPooling.pool(clpool, input, MAX_5_7, ENV)) {
                assertEquals(OnnxTypes.onnxType(dtype), r.values().getInfo().type);
                assertEquals(OnnxJavaType.INT64, r.indices().getInfo().type);
                assertArrayEquals(new long[] {2, 3, 5, 7}, r.values().getInfo().getShape());
                assertFalse(r.values().ownsBuffer(), "ONNX Runtime reads clpool's output in place");
                Tensor values = OnnxTensors.toTensor(r.values());
                assertTrue(values.isDirect());
                assertArrayEquals(expected.values().to(DType.FLOAT64).doubles(), values.to(DType.FLOAT64).doubles(),
                        dtype + " on " + clpool.device());
                assertArrayEquals(expected.indices().int64s(), OnnxTensors.toTensor(r.indices()).toHeap().int64s());
            }
        }
    }

    @ParameterizedTest
    @MethodSource(TestDevices.ENGINES)
    void aClpoolTensorInAnyLayoutPoolsIntoCOrder(TestDevices.EngineSource engine) throws OrtException {
        Clpool clpool = engine.get();
        Tensor x = sample(DType.FLOAT32, 2, 4, 9, 10);
        AdaptivePool avg = AdaptivePool.avg2d(OutputSize.of(5, 7));
        try (OnnxPoolResult r = OnnxPooling.pool(clpool, x.toLayout(Layout.CHANNELS_LAST), avg, ENV)) {
            assertNull(r.indices());
            assertArrayEquals(TestDevices.java().pool(x, avg).values().floats(),
                    OnnxTensors.toTensor(r.values()).toHeap().floats());
        }
    }

    @Test
    void anEmptyBatchGivesAnEmptyResult() throws OrtException {
        try (OnnxTensor input = OnnxTensors.toOnnxTensor(ENV, Tensor.allocateDirect(DType.FLOAT32, Shape.of(0, 3, 4, 4)));
             OnnxPoolResult r = OnnxPooling.pool(TestDevices.java(), input, MAX_5_7, ENV)) {
            assertArrayEquals(new long[] {0, 3, 5, 7}, r.values().getInfo().getShape());
            assertEquals(0, r.indices().getInfo().getNumElements());
        }
    }

    @Test
    void anInputOfTheWrongTypeIsRefusedNamingIt() throws OrtException {
        try (OnnxTensor longs = OnnxTensor.createTensor(ENV, LongBuffer.allocate(15), new long[] {1, 3, 5})) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> OnnxPooling.pool(TestDevices.java(), longs, MAX_5_7, ENV));
            assertEquals("input: ONNX tensor of INT64 [1, 3, 5]: expected FLOAT (float32), FLOAT16, BFLOAT16 or DOUBLE (float64)"
                    + " to pool", e.getMessage());
        }
    }

    @Test
    void anInputOfTheWrongRankIsRefusedNamingIt() throws OrtException {
        try (OnnxTensor flat = OnnxTensors.toOnnxTensor(ENV, sample(DType.FLOAT32, 3, 5))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> OnnxPooling.pool(TestDevices.java(), flat, MAX_5_7, ENV));
            assertEquals("input: adaptive_max_pool2d expects a 3-d (C, H, W) or 4-d (N, C, H, W) tensor, got shape [3, 5]"
                    + " (rank 2) (ONNX tensor of FLOAT [3, 5])", e.getMessage());
        }
    }
}
