package dev.clpool.opencl;

import dev.clpool.tensor.DType;
import java.util.stream.Stream;

/**
 * The programs of each storage type: the same kernel sources, preceded by a prelude that defines
 * {@code CLPOOL_ELEMENT} and the element macros of {@code common.cl} ({@code elem_t}, {@code acc_t},
 * {@code LOAD}, {@code STORE}); float32 needs none, and alone holds the pyramid and backward kernels. A
 * session builds a program per storage type and {@link KernelMode} the first time it needs it, and keeps it
 * (the program cache keeps it on disk).
 *
 * <ul>
 *   <li>float16: {@code ushort} bit patterns read with the core {@code vload_half} and written with
 *       {@code vstore_half_rte} (round to nearest even), so devices without {@code cl_khr_fp16}, such as
 *       NVIDIA's, run it; sums in float. A NaN is written as {@code 0x7e00}, the same on every device.</li>
 *   <li>bfloat16: {@code ushort} bit patterns, widened by a shift; sums in float; written rounded to
 *       nearest even with PyTorch's formula, NaN as {@code 0x7fc0}.</li>
 *   <li>float64: {@code double} throughout, with {@code cl_khr_fp64}; a device without it refuses float64
 *       inputs (see {@link #requireSupported}).</li>
 * </ul>
 */
final class StoragePrograms {
    private static final String HALF = """
            // float16 storage: ushort bit patterns through the core vload_half / vstore_half_rte (no cl_khr_fp16).
            #define CLPOOL_ELEMENT 1
            typedef ushort elem_t;
            typedef float acc_t;
            #define LOAD(p, i) vload_half((i), (__global const half*)(p))
            #define STORE(p, i, v) clpool_store_half((p), (i), (v))
            inline void clpool_store_half(__global ushort* p, const ulong i, const float v) {
                if (isnan(v)) {
                    p[i] = (ushort)0x7e00; // one NaN on every device: payloads and signs are not kept
                } else {
                    vstore_half_rte(v, i, (__global half*)p);
                }
            }
            """;

    private static final String BFLOAT16 = """
            // bfloat16 storage: ushort bit patterns, the upper half of a float.
            #define CLPOOL_ELEMENT 1
            typedef ushort elem_t;
            typedef float acc_t;
            #define LOAD(p, i) as_float(((uint)(p)[i]) << 16)
            #define STORE(p, i, v) ((p)[i] = clpool_to_bfloat16(v))
            // PyTorch's c10::detail::round_to_nearest_even: NaN is 0x7fc0, the rest round to nearest, ties to even.
            inline ushort clpool_to_bfloat16(const float v) {
                if (isnan(v)) {
                    return (ushort)0x7fc0;
                }
                const uint x = as_uint(v);
                return (ushort)((x + 0x7fffu + ((x >> 16) & 1u)) >> 16);
            }
            """;

    private static final String DOUBLE = """
            // float64 storage and sums.
            #pragma OPENCL EXTENSION cl_khr_fp64 : enable
            #define CLPOOL_ELEMENT 1
            typedef double elem_t;
            typedef double acc_t;
            #define LOAD(p, i) ((p)[i])
            #define STORE(p, i, v) ((p)[i] = (v))
            """;

    private StoragePrograms() {
    }

    /** The definitions that precede the kernel sources for {@code dtype}; empty for float32. */
    static String prelude(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> "";
            case FLOAT16 -> HALF;
            case BFLOAT16 -> BFLOAT16;
            case FLOAT64 -> DOUBLE;
            case INT64 -> throw new IllegalArgumentException("input: dtype int64 cannot be pooled");
        };
    }

    /** The program source for {@code dtype}: its prelude, then the pooling kernels (and for float32, pyramids and backward passes). */
    static String source(DType dtype) {
        String prelude = prelude(dtype);
        if (dtype == DType.FLOAT32) {
            return KernelSources.program(Stream.concat(KernelSources.POOLING.stream(), KernelSources.FLOAT32_ONLY.stream()).toList());
        }
        return "#line 1 \"prelude-" + dtype + "\"\n" + prelude + KernelSources.program(KernelSources.POOLING);
    }

    /** Bytes of {@code acc_t}, what a kernel keeps in local memory per element. */
    static int accumulatorBytes(DType dtype) {
        return dtype == DType.FLOAT64 ? Double.BYTES : Float.BYTES;
    }

    /**
     * Checks, before anything runs, that {@code device} can pool {@code dtype}.
     *
     * @throws IllegalArgumentException for float64 on a device without {@code cl_khr_fp64}, naming both,
     *     and for int64
     */
    static void requireSupported(DType dtype, DeviceInfo device) {
        if (!dtype.isFloatingPoint()) {
            throw new IllegalArgumentException("input: dtype " + dtype + " is not supported; expected float16, bfloat16,"
                    + " float32 or float64");
        }
        if (dtype == DType.FLOAT64 && !device.hasExtension("cl_khr_fp64")) {
            throw new IllegalArgumentException("input: dtype float64 needs the OpenCL extension cl_khr_fp64, which "
                    + device.describe() + " lacks; pool float64 on the Java path (device cpu), or convert the input to float32");
        }
    }
}
