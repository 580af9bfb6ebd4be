package dev.clpool.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.clpool.tensor.DType;

/**
 * DJL's element types and shapes as clpool's, and the checks that name the array they refuse. DJL's {@link Shape}
 * lives here only, so that the other classes see clpool's.
 */
final class DjlTypes {
    private DjlTypes() {
    }

    /** The clpool type of {@code array}'s elements; {@code name} is the caller's parameter. */
    static DType dtype(String name, NDArray array) {
        DType dtype = dtypeOrNull(array.getDataType());
        if (dtype == null) {
            throw new IllegalArgumentException(name + ": " + describe(array) + ": expected float32, float16, bfloat16, float64"
                    + " or int64");
        }
        return dtype;
    }

    /** The clpool type of an array to pool: a floating-point one. */
    static DType poolable(String name, NDArray array) {
        DType dtype = dtypeOrNull(array.getDataType());
        if (dtype == null || !dtype.isFloatingPoint()) {
            throw new IllegalArgumentException(name + ": " + describe(array) + ": expected float32, float16, bfloat16 or"
                    + " float64 to pool");
        }
        return dtype;
    }

    static DataType dataType(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> DataType.FLOAT32;
            case FLOAT64 -> DataType.FLOAT64;
            case FLOAT16 -> DataType.FLOAT16;
            case BFLOAT16 -> DataType.BFLOAT16;
            case INT64 -> DataType.INT64;
        };
    }

    static Shape shape(long[] dims) {
        return new Shape(dims);
    }

    private static DType dtypeOrNull(DataType type) {
        return switch (type) {
            case FLOAT32 -> DType.FLOAT32;
            case FLOAT64 -> DType.FLOAT64;
            case FLOAT16 -> DType.FLOAT16;
            case BFLOAT16 -> DType.BFLOAT16;
            case INT64 -> DType.INT64;
            default -> null;
        };
    }

    /** E.g. {@code NDArray of int32 (1, 3, 5) on cpu()}. */
    static String describe(NDArray array) {
        return "NDArray of " + array.getDataType() + " " + array.getShape() + " on " + array.getDevice();
    }
}
