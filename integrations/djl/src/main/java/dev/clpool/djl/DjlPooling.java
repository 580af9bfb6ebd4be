package dev.clpool.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.clpool.Clpool;
import dev.clpool.op.AdaptivePool;
import dev.clpool.plan.PoolPlan;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import java.nio.ByteBuffer;
import java.util.Objects;

/** Adaptive pooling of DJL arrays with PyTorch's results, on an OpenCL device or clpool's Java path. */
public final class DjlPooling {
    private DjlPooling() {
    }

    /**
     * Pools an NDArray (float32, float16, bfloat16 or float64, C order), returning the values in its element type
     * and, for max pooling with indices, the int64 index of each maximum within its plane, as PyTorch does: an
     * {@link NDList} of one or two arrays of the input's manager. On the PyTorch engine nothing is copied for a
     * dense, contiguous CPU input: clpool reads the input's memory and writes the results into direct memory the
     * new arrays use in place.
     *
     * @throws IllegalArgumentException naming the input and what is wrong: its element type, its rank or sizes for
     *     {@code op}, before anything is read
     */
    public static NDList pool(Clpool clpool, NDArray input, AdaptivePool op) {
        Objects.requireNonNull(clpool, "clpool");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(op, "op");
        DType dtype = DjlTypes.poolable("input", input);
        Shape output;
        try {
            output = PoolPlan.of(Shape.of(input.getShape().getShape()), op).outputShape();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " (" + DjlTypes.describe(input) + ")", e);
        }
        ByteBuffer values = NDArrays.pageAligned(dtype, output);
        ByteBuffer indices = op.withIndices() ? NDArrays.pageAligned(DType.INT64, output) : null;
        clpool.poolInto(NDArrays.toTensor(input), op, Tensor.of(values, dtype, output),
                indices == null ? null : Tensor.of(indices, DType.INT64, output));
        // The arrays are made once the results are written, so that an engine that copies copies them whole.
        NDManager manager = input.getManager();
        NDList result = new NDList(NDArrays.wrap(manager, values, dtype, output));
        if (indices != null) {
            result.add(NDArrays.wrap(manager, indices, DType.INT64, output));
        }
        return result;
    }
}
