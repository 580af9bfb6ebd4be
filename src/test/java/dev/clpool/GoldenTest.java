package dev.clpool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.clpool.op.PoolResult;
import dev.clpool.tensor.Tensor;
import dev.clpool.testing.GoldenCases;
import dev.clpool.testing.TensorAssert;
import dev.clpool.testing.TestDevices;
import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The PyTorch 2.11 golden cases pass on both paths: max and indices exact, avg exact too (within float32
 * tolerance only where PyTorch computes a 1x1 output with mean()).
 */
class GoldenTest {
    private static List<GoldenCases.Case> cases;

    @BeforeAll
    static void load() throws IOException {
        cases = GoldenCases.all();
        assertEquals(35, cases.size(), "golden cases in test-data/manifest.json");
    }

    static Stream<Arguments> casesOnEngines() throws IOException {
        return TestDevices.engines().flatMap(engine ->
                loadQuietly().stream().map(c -> Arguments.of(engine, Named.of(c.toString(), c))));
    }

    private static List<GoldenCases.Case> loadQuietly() {
        try {
            return GoldenCases.all();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("casesOnEngines")
    void matchesPyTorch(TestDevices.EngineSource engine, GoldenCases.Case c) {
        Clpool clpool = engine.get();
        float[] before = c.x().floats().clone();

        Tensor avg = clpool.adaptiveAvgPool2d(c.x(), c.outputSize());
        PoolResult max = clpool.adaptiveMaxPool2d(c.x(), c.outputSize());

        // clpool sums each bin in PyTorch CPU's order on every path, so averages are its bits exactly;
        // only for a 1x1 output does PyTorch switch to mean(), another order, within float32 tolerance.
        boolean torchUsesMean = avg.shape().dim(-1) == 1 && avg.shape().dim(-2) == 1;
        if (torchUsesMean) {
            TensorAssert.assertClose(c.avg(), avg, c.name() + " avg (PyTorch's mean)");
        } else {
            TensorAssert.assertBitExact(c.avg(), avg, c.name() + " avg");
        }
        TensorAssert.assertBitExact(c.max(), max.values(), c.name() + " max");
        TensorAssert.assertSameIndices(c.idx(), max.indices(), c.name() + " indices");
        assertArrayEquals(before, c.x().floats(), "the input must not be modified");
    }
}
