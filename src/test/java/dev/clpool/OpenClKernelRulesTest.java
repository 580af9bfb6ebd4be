package dev.clpool;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.op.AdaptivePool;
import dev.clpool.op.OutputSize;
import dev.clpool.op.PoolResult;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Tensor;
import dev.clpool.testing.StorageAssert;
import dev.clpool.testing.TestDevices;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * PyTorch's rules in every OpenCL pooling kernel, forced by name, on fixed inputs made to break them: ties in
 * every bin of 11 planes (side by side and left over), NaN runs, signed zeros and infinities, bins of many
 * cells (several staging steps), identity copies of -0, all -inf bins that start inside the plane, channels
 * last and 3-d. Each case is bit for bit the Java path's, which JavaPathLoopsTest holds to the definition.
 * Unlike the random tests these need no lucky seed, so that scripts/kernel-mutants.sh kills the same mutants
 * every run.
 */
class OpenClKernelRulesTest {
    record Case(String name, Tensor input, AdaptivePool op) {
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        Tensor ties = JavaPathLoopsTest.tiedPlanes(6, 7);
        Tensor bigBins = JavaPathLoopsTest.tiedPlanes(40, 40); // bins of about 14 x 14 cells
        Tensor random = JavaPathLoopsTest.ties(20, 2, 5, 9, 10);
        float[] negInf = new float[2 * 3 * 4];
        Arrays.fill(negInf, Float.NEGATIVE_INFINITY);
        Tensor allNegInf = Tensor.of(negInf, 2, 3, 4);
        for (Tensor t : new Tensor[] {ties, bigBins, random, JavaPathLoopsTest.nanRuns(), allNegInf}) {
            for (OutputSize size : new OutputSize[] {OutputSize.of(4, 3), OutputSize.of(2, 1), OutputSize.of(1), OutputSize.of(7, 5)}) {
                cases.add(new Case("max " + size + " of " + t.shape(), t, AdaptivePool.max2d(size, true)));
                cases.add(new Case("max without indices " + size + " of " + t.shape(), t, AdaptivePool.max2d(size, false)));
                cases.add(new Case("avg " + size + " of " + t.shape(), t, AdaptivePool.avg2d(size)));
            }
        }
        Tensor zeros = Tensor.of(new float[] {-0f, 0f, -0f, 1f, -0f, Float.NaN}, 1, 2, 3);
        cases.add(new Case("identity avg of -0", zeros, AdaptivePool.avg2d(OutputSize.of(2, 3))));
        cases.add(new Case("identity max of -0", zeros, AdaptivePool.max2d(OutputSize.of(2, 3), true)));
        // Channels in blocks of 16: one and 4 more, exactly two, and 11 (ties in every bin).
        Tensor partial = JavaPathLoopsTest.ties(21, 2, 20, 5, 6).toLayout(Layout.CHANNELS_LAST);
        Tensor twoBlocks = JavaPathLoopsTest.ties(23, 2, 32, 5, 6).toLayout(Layout.CHANNELS_LAST);
        for (Tensor t : new Tensor[] {partial, twoBlocks, ties.toLayout(Layout.CHANNELS_LAST)}) {
            cases.add(new Case("channels-last max of " + t.shape(), t, AdaptivePool.max2d(OutputSize.of(3, 4), true)));
            cases.add(new Case("channels-last avg of " + t.shape(), t, AdaptivePool.avg2d(OutputSize.of(3, 4))));
            cases.add(new Case("channels-last identity avg of " + t.shape(), t, AdaptivePool.avg2d(OutputSize.ofNullable(null, null))));
        }
        Tensor volume = JavaPathLoopsTest.ties(22, 2, 3, 5, 6, 7);
        cases.add(new Case("3-d max", volume, AdaptivePool.max3d(OutputSize.of(2, 4, 3), true)));
        cases.add(new Case("3-d avg", volume, AdaptivePool.avg3d(OutputSize.of(2, 4, 3))));
        cases.add(new Case("float16 max of ties", ties.to(DType.FLOAT16), AdaptivePool.max2d(OutputSize.of(4, 3), true)));
        return cases;
    }

    @ParameterizedTest(name = "kernel {0}")
    @MethodSource(TestDevices.POOL_KERNELS)
    void everyKernelKeepsTheTieNaNAndZeroRules(String kernel) {
        Clpool cl = TestDevices.forced(kernel);
        Clpool java = TestDevices.java();
        int ran = 0;
        for (Case c : cases()) {
            if (!TestDevices.runs(cl, c.input(), c.op())) {
                continue;
            }
            ran++;
            String what = "kernel " + kernel + " (" + cl.kernelFor(c.input(), c.op()) + "), " + c.name();
            PoolResult expected = java.pool(c.input(), c.op());
            PoolResult actual = cl.pool(c.input(), c.op());
            StorageAssert.assertBitExact(expected.values(), actual.values(), what);
            if (c.op().withIndices()) {
                StorageAssert.assertBitExact(expected.indices(), actual.indices(), what + ", indices");
            }
        }
        assertTrue(ran >= 3, "kernel " + kernel + " ran " + ran + " of the cases");
    }
}
