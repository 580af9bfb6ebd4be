package dev.clpool.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.clpool.Clpool;
import dev.clpool.op.AdaptivePool;
import dev.clpool.op.OutputSize;
import dev.clpool.op.PoolResult;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.Tensor;
import dev.clpool.testing.PipelineData;
import dev.clpool.testing.TestDevices;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DjlPoolingTest {
    private static final OutputSize SIZE = OutputSize.of(5, 7);
    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    static Stream<Arguments> devicesAndCases() {
        return TestDevices.engines().flatMap(e -> PipelineData.cases().mapToObj(i -> Arguments.of(e, i)));
    }

    private static int[] bits(Tensor t) {
        float[] f = t.toHeap().floats();
        int[] b = new int[f.length];
        for (int i = 0; i < f.length; i++) {
            b[i] = Float.floatToIntBits(f[i]);
        }
        return b;
    }

    /** PyTorch's features of the ONNX pipeline's cases: PyTorch's averages bit for bit, its maxima and indices. */
    @ParameterizedTest
    @MethodSource("devicesAndCases")
    void poolsPyTorchsFeaturesToPyTorchsResults(TestDevices.EngineSource engine, int i) {
        Clpool clpool = engine.get();
        NDArray features = NDArrays.toNDArray(manager, PipelineData.read("features", i));
        NDList avg = DjlPooling.pool(clpool, features, AdaptivePool.avg2d(SIZE));
        NDList max = DjlPooling.pool(clpool, features, AdaptivePool.max2d(SIZE, true));
        assertEquals(1, avg.size());
        assertArrayEquals(bits(PipelineData.read("avg", i)), bits(NDArrays.toTensor(avg.head())), "avg, case " + i);
        assertArrayEquals(bits(PipelineData.read("max", i)), bits(NDArrays.toTensor(max.get(0))), "max, case " + i);
        assertEquals(DataType.INT64, max.get(1).getDataType());
        assertArrayEquals(PipelineData.read("max-indices", i).int64s(), max.get(1).toLongArray(), "indices, case " + i);
    }

    @ParameterizedTest
    @MethodSource(TestDevices.ENGINES)
    void poolsEveryFloatTypePyTorchsEngineHoldsAsTheCoreDoes(TestDevices.EngineSource engine) {
        Clpool clpool = engine.get();
        AdaptivePool op = AdaptivePool.max2d(SIZE, true);
        float[] f = new float[2 * 3 * 11 * 13];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) Math.sin(i * 0.37) * 4;
        }
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT16, DType.FLOAT64}) { // bfloat16: see NDArrays
            Tensor x = Tensor.of(f, 2, 3, 11, 13).to(dtype);
            PoolResult expected = TestDevices.java().pool(x, op);
            NDList r = DjlPooling.pool(clpool, NDArrays.toNDArray(manager, x), op);
            assertEquals(DjlTypes.dataType(dtype), r.get(0).getDataType());
            assertArrayEquals(new long[] {2, 3, 5, 7}, r.get(0).getShape().getShape());
            Tensor values = NDArrays.toTensor(r.get(0));
            assertTrue(values.isDirect());
            assertArrayEquals(expected.values().to(DType.FLOAT64).doubles(), values.to(DType.FLOAT64).doubles(),
                    dtype + " on " + clpool.device());
            assertArrayEquals(expected.indices().int64s(), r.get(1).toLongArray());
        }
    }

    @Test
    void anInputOfTheWrongTypeOrRankIsRefusedNamingIt() {
        Clpool clpool = TestDevices.java();
        AdaptivePool op = AdaptivePool.avg2d(SIZE);
        NDArray longs = manager.create(new long[15], DjlTypes.shape(new long[] {1, 3, 5}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DjlPooling.pool(clpool, longs, op));
        assertEquals("input: NDArray of int64 (1, 3, 5) on cpu(): expected float32, float16, bfloat16 or float64 to pool",
                e.getMessage());
        NDArray flat = manager.create(new float[15], DjlTypes.shape(new long[] {3, 5}));
        e = assertThrows(IllegalArgumentException.class, () -> DjlPooling.pool(clpool, flat, op));
        assertEquals("input: adaptive_avg_pool2d expects a 3-d (C, H, W) or 4-d (N, C, H, W) tensor, got shape [3, 5] (rank 2)"
                + " (NDArray of float32 (3, 5) on cpu())", e.getMessage());
    }
}
