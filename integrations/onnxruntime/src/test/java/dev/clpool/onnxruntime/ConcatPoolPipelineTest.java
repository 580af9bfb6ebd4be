package dev.clpool.onnxruntime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.clpool.Clpool;
import dev.clpool.onnxruntime.examples.ConcatPoolPipeline;
import dev.clpool.op.AdaptivePool;
import dev.clpool.tensor.Tensor;
import dev.clpool.testing.PipelineData;
import dev.clpool.testing.TestDevices;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The worked example on all four cases, on the Java path and on OpenCL, against PyTorch's outputs. */
class ConcatPoolPipelineTest {
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    static Stream<Arguments> devicesAndCases() {
        return TestDevices.engines().flatMap(e -> PipelineData.cases().mapToObj(i -> Arguments.of(e, i)));
    }

    @ParameterizedTest
    @MethodSource("devicesAndCases")
    void logitsAreTheWholePyTorchModels(TestDevices.EngineSource engine, int i) throws OrtException {
        Clpool clpool = engine.get();
        try (ConcatPoolPipeline pipeline = new ConcatPoolPipeline(ENV, PipelineData.DIR, clpool)) {
            Tensor logits = pipeline.logits(PipelineData.read("input", i));
            double diff = ConcatPoolPipeline.maxAbsDifference(logits, PipelineData.read("logits", i));
            assertTrue(diff <= ConcatPoolPipeline.TOLERANCE, "case " + i + " on " + clpool.device() + ": max |diff| " + diff);
        }
    }

    /** clpool's pooling of PyTorch's own features: averages bit for bit, maxima and indices exactly. */
    @ParameterizedTest
    @MethodSource("devicesAndCases")
    void poolingPyTorchsFeaturesGivesPyTorchsPools(TestDevices.EngineSource engine, int i) throws OrtException {
        Clpool clpool = engine.get();
        try (OnnxTensor features = OnnxTensors.toOnnxTensor(ENV, PipelineData.read("features", i));
             OnnxPoolResult avg = OnnxPooling.pool(clpool, features, AdaptivePool.avg2d(ConcatPoolPipeline.POOL_SIZE), ENV);
             OnnxPoolResult max = OnnxPooling.pool(clpool, features, AdaptivePool.max2d(ConcatPoolPipeline.POOL_SIZE, true), ENV)) {
            assertArrayEquals(bits(PipelineData.read("avg", i)), bits(OnnxTensors.toTensor(avg.values())), "avg, case " + i);
            assertArrayEquals(bits(PipelineData.read("max", i)), bits(OnnxTensors.toTensor(max.values())), "max, case " + i);
            assertArrayEquals(PipelineData.read("max-indices", i).int64s(), OnnxTensors.toTensor(max.indices()).toHeap().int64s(),
                    "max indices, case " + i);
        }
    }

    private static int[] bits(Tensor t) {
        float[] f = t.toHeap().floats();
        int[] b = new int[f.length];
        for (int i = 0; i < f.length; i++) {
            b[i] = Float.floatToIntBits(f[i]);
        }
        return b;
    }
}
