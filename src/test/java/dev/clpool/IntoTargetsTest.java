package dev.clpool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.op.AdaptivePool;
import dev.clpool.op.OutputSize;
import dev.clpool.op.PoolResult;
import dev.clpool.op.PyramidPool;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import dev.clpool.testing.TestDevices;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@code pyramidInto} and {@code backwardInto} fill the caller's tensors as their allocating forms return them, and refuse targets that do not fit. */
class IntoTargetsTest {
    static Tensor input() {
        Random r = new Random(5);
        float[] v = new float[2 * 3 * 7 * 6];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return Tensor.of(v, 2, 3, 7, 6);
    }

    @Test
    void pyramidIntoFillsDirectTargetsAsPyramidReturns() {
        Clpool java = TestDevices.java();
        Tensor x = input();
        PyramidPool pyramid = PyramidPool.max2d(true, 1, 3);
        List<PoolResult> expected = java.pyramid(x, pyramid);
        List<Tensor> values = List.of(Tensor.allocateDirect(DType.FLOAT32, Shape.of(2, 3, 1, 1)),
                Tensor.allocateDirect(DType.FLOAT32, Shape.of(2, 3, 3, 3)));
        List<Tensor> indices = List.of(Tensor.allocateDirect(DType.INT64, Shape.of(2, 3, 1, 1)),
                Tensor.allocateDirect(DType.INT64, Shape.of(2, 3, 3, 3)));
        java.pyramidInto(x, pyramid, values, indices);
        for (int l = 0; l < 2; l++) {
            assertArrayEquals(expected.get(l).values().floats(), values.get(l).toHeap().floats());
            assertArrayEquals(expected.get(l).indices().int64s(), indices.get(l).toHeap().int64s());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> java.pyramidInto(x, pyramid, values.subList(0, 1), indices));
        assertTrue(e.getMessage().startsWith("values: 1 tensors for 2 levels"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> java.pyramidInto(x, pyramid, List.of(values.get(1), values.get(0)), indices));
        assertTrue(e.getMessage().startsWith("values[0]: expected float32 [2, 3, 1, 1]"), e.getMessage());
    }

    @Test
    void backwardIntoFillsATargetAsBackwardReturns() {
        Clpool java = TestDevices.java();
        Tensor x = input();
        AdaptivePool op = AdaptivePool.avg2d(OutputSize.of(3, 4));
        Tensor grad = java.pool(x, op).values();
        Tensor expected = java.backward(op, x.shape(), grad);
        Tensor target = Tensor.allocateDirect(DType.FLOAT32, x.shape());
        java.backwardInto(op, x.shape(), grad, null, target);
        assertArrayEquals(expected.floats(), target.toHeap().floats());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> java.backwardInto(op, x.shape(), grad, null, Tensor.zeros(DType.FLOAT32, x.shape(), Layout.CHANNELS_LAST)));
        assertTrue(e.getMessage().startsWith("gradInput: expected float32 [2, 3, 7, 6] contiguous"), e.getMessage());
    }
}
