package dev.clpool.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.clpool.tensor.BFloat16;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * PyTorch's adaptive pooling (libtorch 2.7.1 CPU through DJL) of float16, bfloat16, float32 and float64
 * tensors, results in the same dtype. Inputs are contiguous 4-d (N, C, H, W): DJL has no memory formats,
 * so channels-last results are compared with PyTorch's NCHW ones after reordering.
 *
 * <p>DJL's native layer maps no bfloat16 (creating or converting to one aborts the JVM), so bfloat16 is
 * PyTorch's float32 pooling of the exactly widened input, rounded with c10's round-to-nearest-even. That
 * is what PyTorch's CPU kernels compute for bfloat16: the same template in float (opmath), rounded once;
 * {@link #viaFloat32} lets tests check that construction on float16, which DJL does hold.
 */
public final class TorchStorage {
    private TorchStorage() {
    }

    /** {@code F.adaptive_avg_pool2d(x, (oh, ow))} (avg) or {@code F.adaptive_max_pool2d(x, (oh, ow))[0]} (max). */
    public static Tensor pool2d(Tensor x, long oh, long ow, boolean avg) {
        if (x.shape().rank() != 4 || x.layout() != Layout.CONTIGUOUS) {
            throw new IllegalArgumentException("contiguous (N, C, H, W) inputs only: " + x);
        }
        if (x.dtype() == DType.BFLOAT16) {
            return viaFloat32(x, oh, ow, avg);
        }
        try (NDManager m = Torch.engine().newBaseManager()) {
            ai.djl.ndarray.types.Shape shape = new ai.djl.ndarray.types.Shape(x.shape().toArray());
            NDArray in = switch (x.dtype()) {
                case FLOAT32 -> m.create(x.floats(), shape);
                case FLOAT64 -> m.create(x.doubles(), shape);
                case FLOAT16 -> {
                    ByteBuffer b = ByteBuffer.allocateDirect(x.shorts().length * 2).order(ByteOrder.nativeOrder());
                    b.asShortBuffer().put(x.shorts());
                    yield m.create(b, shape, DataType.FLOAT16);
                }
                default -> throw new IllegalArgumentException(x.dtype().toString());
            };
            ai.djl.ndarray.types.Shape size = new ai.djl.ndarray.types.Shape(oh, ow);
            PtNDArray y = avg ? JniUtils.adaptiveAvgPool((PtNDArray) in, size) : JniUtils.adaptiveMaxPool((PtNDArray) in, size);
            Shape out = Shape.of(y.getShape().getShape());
            return switch (x.dtype()) {
                case FLOAT32 -> Tensor.of(y.toFloatArray(), out);
                case FLOAT64 -> Tensor.of(y.toDoubleArray(), out);
                default -> {
                    ByteBuffer b = y.toByteBuffer().order(ByteOrder.nativeOrder());
                    short[] bits = new short[Math.toIntExact(out.elementCount())];
                    b.asShortBuffer().get(bits);
                    yield Tensor.ofFloat16(bits, out);
                }
            };
        }
    }

    /** PyTorch's float32 pooling of {@code x} widened to float32, rounded (c10's RNE) to {@code x}'s 16-bit type. */
    public static Tensor viaFloat32(Tensor x, long oh, long ow, boolean avg) {
        Tensor f = pool2d(x.to(DType.FLOAT32), oh, ow, avg);
        if (x.dtype() == DType.BFLOAT16) {
            return Tensor.ofBFloat16(BFloat16.fromFloats(f.floats()), f.shape());
        }
        return f.to(x.dtype());
    }
}
