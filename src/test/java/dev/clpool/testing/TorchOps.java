package dev.clpool.testing;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import dev.clpool.op.PoolMode;
import java.util.Arrays;

/**
 * PyTorch's adaptive poolings of every rank and their gradients through autograd, in process (DJL's
 * libtorch 2.7.1 CPU, offline).
 *
 * <p>DJL chooses the pooling from the input's rank: a 3-d input is {@code adaptive_*_pool1d}, 4-d
 * {@code *_pool2d}, 5-d {@code *_pool3d}. So inputs here are always batched; callers batch an unbatched
 * input as {@code (1, ...)}. (A 2-d input crashes DJL's native code: refused here.) Refusals by libtorch
 * come back as an {@link Torch.Outcome} with an error rather than an exception.
 */
public final class TorchOps {
    private TorchOps() {
    }

    /** {@code F.adaptive_{mode}_pool{rank-2}d(x, outputSize)}: the values (DJL gives no indices). */
    public static Torch.Outcome pool(PoolMode mode, float[] data, long[] shape, long... outputSize) {
        checkRank(shape, outputSize);
        Engine engine = Torch.engine();
        try (NDManager m = engine.newBaseManager()) {
            NDArray x = m.create(data, new ai.djl.ndarray.types.Shape(shape));
            PtNDArray y;
            try {
                y = call(mode, x, outputSize);
            } catch (RuntimeException refused) {
                return refusal(refused);
            }
            return new Torch.Outcome(y.getShape().getShape(), y.toFloatArray(), null);
        }
    }

    /**
     * The gradient of {@code sum(pool(x) * gradOutput)} with respect to {@code x}, by PyTorch's autograd:
     * {@code adaptive_*_pool*d_backward} with {@code gradOutput} as the incoming gradient.
     */
    public static Torch.Outcome backward(PoolMode mode, float[] data, long[] shape, long[] outputSize, float[] gradOutput) {
        checkRank(shape, outputSize);
        Engine engine = Torch.engine();
        try (NDManager m = engine.newBaseManager()) {
            NDArray x = m.create(data, new ai.djl.ndarray.types.Shape(shape));
            x.setRequiresGradient(true);
            try (GradientCollector gc = engine.newGradientCollector()) {
                PtNDArray y;
                try {
                    y = call(mode, x, outputSize);
                } catch (RuntimeException refused) {
                    return refusal(refused);
                }
                NDArray g = m.create(gradOutput, y.getShape());
                gc.backward(y.mul(g).sum());
            }
            NDArray grad = x.getGradient();
            return new Torch.Outcome(grad.getShape().getShape(), grad.toFloatArray(), null);
        }
    }

    private static PtNDArray call(PoolMode mode, NDArray x, long[] outputSize) {
        ai.djl.ndarray.types.Shape out = new ai.djl.ndarray.types.Shape(outputSize);
        return mode == PoolMode.AVG ? JniUtils.adaptiveAvgPool((PtNDArray) x, out) : JniUtils.adaptiveMaxPool((PtNDArray) x, out);
    }

    private static void checkRank(long[] shape, long[] outputSize) {
        if (shape.length < 3 || shape.length > 5 || outputSize.length != shape.length - 2) {
            throw new IllegalArgumentException("TorchOps takes batched inputs of rank 3 to 5 with one output size per"
                    + " spatial axis: shape " + Arrays.toString(shape) + ", output size " + Arrays.toString(outputSize));
        }
    }

    private static Torch.Outcome refusal(RuntimeException refused) {
        String msg = String.valueOf(refused.getMessage());
        int nl = msg.indexOf('\n');
        return new Torch.Outcome(null, null, nl < 0 ? msg : msg.substring(0, nl));
    }
}
