package dev.clpool.spark;

import dev.clpool.Clpool;
import dev.clpool.op.AdaptivePool;
import dev.clpool.op.PoolResult;
import dev.clpool.opencl.OpenClDevices;
import dev.clpool.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/** Feature maps with PyTorch's hard cases in them, the devices tests run on, and the core's results to compare with. */
final class TestMaps {
    /** The Java path, the reference every result is compared with. */
    static final Clpool REFERENCE = Clpool.open("cpu");

    private TestMaps() {
    }

    /** The devices every Spark test runs on: the Java path, and OpenCL (PoCL here). */
    static Stream<String> devices() {
        return Stream.of("cpu", "opencl");
    }

    /** Skips an OpenCL run where the machine has no OpenCL device, saying so. */
    static void assumeDevice(String device) {
        if (device.equals("opencl")) {
            Assumptions.assumeFalse(OpenClDevices.listOrEmpty().isEmpty(), "no OpenCL device: install PoCL to run this on OpenCL");
        }
    }

    static PoolResult reference(float[] values, long[] shape, AdaptivePool op) {
        return REFERENCE.pool(Tensor.of(values, shape), op);
    }

    /**
     * The bits of each value, as the core's tests compare them: -0 differs from +0, any NaN matches any NaN (IEEE
     * leaves the sign and payload of a NaN made from inf - inf to the hardware and compiler).
     */
    static int[] bits(float[] values) {
        int[] b = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = Float.floatToIntBits(values[i]);
        }
        return b;
    }

    static float[] floats(List<?> boxed) {
        float[] f = new float[boxed.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = (Float) boxed.get(i);
        }
        return f;
    }

    static long[] longs(List<?> boxed) {
        return boxed.stream().mapToLong(o -> ((Number) o).longValue()).toArray();
    }

    /** {@code [C, H, W]} of a pooled result of one feature map. */
    static List<Long> shapeOf(Tensor pooled) {
        return Arrays.stream(pooled.shape().toArray()).boxed().toList();
    }
}
