package dev.clpool.testing;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Arrays;

/**
 * Real PyTorch in process: DJL's libtorch 2.7.1 (CPU), run offline. Wraps the two calls clpool is
 * checked against: {@code F.adaptive_avg_pool2d} and {@code F.adaptive_max_pool2d} (values only; DJL
 * does not return indices).
 *
 * <p>DJL treats a 3-d input as 1-d pooling, so only 4-d {@code (N, C, H, W)} inputs are accepted here:
 * callers batch an unbatched {@code (C, H, W)} input as {@code (1, C, H, W)}. A refusal by libtorch
 * (its {@code TORCH_CHECK}s) is returned as an {@link Outcome} with an error rather than thrown, so that
 * tests can compare which inputs each side refuses.
 */
public final class Torch {
    private static Engine engine;

    private Torch() {
    }

    /** What libtorch returned: an output ({@code shape}, {@code values}) or a refusal ({@code error}). */
    public record Outcome(long[] shape, float[] values, String error) {
        public boolean refused() {
            return error != null;
        }

        @Override
        public String toString() {
            return refused() ? "refused: " + error : "output " + Arrays.toString(shape);
        }
    }

    /** The PyTorch engine, loaded once; fails (never skips) when libtorch is missing: it is a test dependency. */
    public static synchronized Engine engine() {
        if (engine == null) {
            engine = Engine.getEngine("PyTorch");
        }
        return engine;
    }

    /** {@code F.adaptive_avg_pool2d(x, (oh, ow))} for a 4-d {@code x}. */
    public static Outcome adaptiveAvgPool2d(float[] data, long[] shape, long oh, long ow) {
        return run(data, shape, oh, ow, true);
    }

    /** {@code F.adaptive_max_pool2d(x, (oh, ow))[0]} (the values) for a 4-d {@code x}. */
    public static Outcome adaptiveMaxPool2d(float[] data, long[] shape, long oh, long ow) {
        return run(data, shape, oh, ow, false);
    }

    private static Outcome run(float[] data, long[] shape, long oh, long ow, boolean avg) {
        if (shape.length != 4) {
            throw new IllegalArgumentException("Torch helper takes (N, C, H, W) inputs only (DJL pools 3-d as 1-d): "
                    + Arrays.toString(shape));
        }
        try (NDManager m = engine().newBaseManager()) {
            NDArray x = m.create(data, new ai.djl.ndarray.types.Shape(shape));
            PtNDArray y;
            try {
                ai.djl.ndarray.types.Shape out = new ai.djl.ndarray.types.Shape(oh, ow);
                y = avg ? JniUtils.adaptiveAvgPool((PtNDArray) x, out) : JniUtils.adaptiveMaxPool((PtNDArray) x, out);
            } catch (RuntimeException refused) {
                String msg = String.valueOf(refused.getMessage());
                int nl = msg.indexOf('\n');
                return new Outcome(null, null, nl < 0 ? msg : msg.substring(0, nl));
            }
            return new Outcome(y.getShape().getShape(), y.toFloatArray(), null);
        }
    }
}
