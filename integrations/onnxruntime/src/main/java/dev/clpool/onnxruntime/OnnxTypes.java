package dev.clpool.onnxruntime;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.TensorInfo;
import dev.clpool.tensor.DType;
import java.util.Arrays;

/** ONNX Runtime's element types as clpool's, and the checks that name the tensor they refuse. */
final class OnnxTypes {
    private OnnxTypes() {
    }

    /** The clpool type of {@code tensor}'s elements; {@code name} is the caller's parameter. */
    static DType dtype(String name, OnnxTensor tensor) {
        DType dtype = dtypeOrNull(tensor.getInfo().type);
        if (dtype == null) {
            throw new IllegalArgumentException(name + ": " + describe(tensor) + ": expected FLOAT (float32), FLOAT16, BFLOAT16,"
                    + " DOUBLE (float64) or INT64");
        }
        return dtype;
    }

    /** The clpool type of a tensor to pool: a floating-point one. */
    static DType poolable(String name, OnnxTensor tensor) {
        DType dtype = dtypeOrNull(tensor.getInfo().type);
        if (dtype == null || !dtype.isFloatingPoint()) {
            throw new IllegalArgumentException(name + ": " + describe(tensor) + ": expected FLOAT (float32), FLOAT16, BFLOAT16"
                    + " or DOUBLE (float64) to pool");
        }
        return dtype;
    }

    static OnnxJavaType onnxType(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> OnnxJavaType.FLOAT;
            case FLOAT64 -> OnnxJavaType.DOUBLE;
            case FLOAT16 -> OnnxJavaType.FLOAT16;
            case BFLOAT16 -> OnnxJavaType.BFLOAT16;
            case INT64 -> OnnxJavaType.INT64;
        };
    }

    private static DType dtypeOrNull(OnnxJavaType type) {
        return switch (type) {
            case FLOAT -> DType.FLOAT32;
            case DOUBLE -> DType.FLOAT64;
            case FLOAT16 -> DType.FLOAT16;
            case BFLOAT16 -> DType.BFLOAT16;
            case INT64 -> DType.INT64;
            default -> null;
        };
    }

    /** E.g. {@code ONNX tensor of INT32 [1, 3, 5]}. */
    static String describe(OnnxTensor tensor) {
        TensorInfo info = tensor.getInfo();
        return "ONNX tensor of " + info.type + " " + Arrays.toString(info.getShape());
    }
}
