package dev.clpool.reliability;

import dev.clpool.op.AdaptivePool;
import dev.clpool.Clpool;
import dev.clpool.op.DevicePoolResult;
import dev.clpool.tensor.DeviceTensor;
import dev.clpool.op.OutputSize;
import dev.clpool.op.PoolResult;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A mixed workload for the concurrency and leak tests: shapes that reach every kernel family (identity
 * copies, many planes, one plane, upsampling, global pooling, single rows and columns, non-divisible
 * bins), each pooled as avg, max with indices and max without, through the host API or the device API
 * (upload, pool, download, close).
 */
final class Workload {
    /** One pooling of one input. */
    record Job(String name, Tensor input, AdaptivePool op) {
        @Override
        public String toString() {
            return name + " " + input.shape() + " " + op;
        }
    }

    /** Which API a call goes through. */
    enum Api { HOST, DEVICE }

    /** What a call returned: the values' and indices' elements (indices null for avg or values-only max). */
    record Outcome(Shape shape, float[] values, long[] indices) {
        /**
         * Bit-for-bit equality, any NaN matching any NaN: which NaN payload a sum of two NaNs keeps is not
         * specified (the JIT may swap the operands of an addition), and PyTorch makes no promise about it.
         */
        boolean sameAs(Outcome o) {
            if (!shape.equals(o.shape) || values.length != o.values.length || !Arrays.equals(indices, o.indices)) {
                return false;
            }
            for (int i = 0; i < values.length; i++) {
                if (Float.floatToIntBits(values[i]) != Float.floatToIntBits(o.values[i])) {
                    return false;
                }
            }
            return true;
        }

        /** The first difference from {@code expected}, for a failure message. */
        String differenceFrom(Outcome expected) {
            if (!shape.equals(expected.shape)) {
                return "shape " + shape + ", expected " + expected.shape;
            }
            for (int i = 0; i < values.length; i++) {
                if (Float.floatToIntBits(values[i]) != Float.floatToIntBits(expected.values[i])) {
                    return "value " + i + " is " + values[i] + ", expected " + expected.values[i];
                }
            }
            return "indices " + Arrays.toString(indices) + ", expected " + Arrays.toString(expected.indices);
        }
    }

    private Workload() {
    }

    /** Inputs of the given shapes with NaN, infinities, signed zeros, subnormals, huge values and ties. */
    static Tensor hostile(Random r, long... shape) {
        float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, Float.MIN_VALUE,
            -Float.MIN_NORMAL / 3, Float.MAX_VALUE, -3e38f, 1f, 1f, 2f};
        float[] x = new float[Math.toIntExact(Shape.of(shape).elementCount())];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextInt(6) == 0 ? specials[r.nextInt(specials.length)] : (float) r.nextGaussian() * 8;
        }
        return Tensor.of(x, shape);
    }

    /** The jobs: every shape below with avg, max with indices and max without. */
    static List<Job> jobs(long seed) {
        Random r = new Random(seed);
        List<Job> jobs = new ArrayList<>();
        Object[][] shapes = {
            // name, input shape, output size
            {"many planes", new long[] {4, 16, 12, 10}, OutputSize.of(5, 3)},
            {"one plane", new long[] {1, 1, 37, 29}, OutputSize.of(7, 9)},
            {"identity", new long[] {2, 3, 9, 11}, OutputSize.ofNullable(null, null)},
            {"upsampling", new long[] {3, 4, 5}, OutputSize.of(9, 13)},
            {"global", new long[] {2, 8, 31, 17}, OutputSize.of(1)},
            {"row", new long[] {1, 2, 1, 45}, OutputSize.of(1, 8)},
            {"column", new long[] {6, 40, 1}, OutputSize.ofNullable(11L, null)},
            {"large plane", new long[] {1, 2, 96, 80}, OutputSize.of(13, 6)},
        };
        for (Object[] s : shapes) {
            Tensor x = hostile(r, (long[]) s[1]);
            OutputSize size = (OutputSize) s[2];
            jobs.add(new Job((String) s[0], x, AdaptivePool.avg2d(size)));
            jobs.add(new Job((String) s[0], x, AdaptivePool.max2d(size, true)));
            jobs.add(new Job((String) s[0], x, AdaptivePool.max2d(size, false)));
        }
        return jobs;
    }

    /** Runs one job through one API; the device API's tensors are closed before returning. */
    static Outcome run(Clpool clpool, Job job, Api api) {
        if (api == Api.HOST) {
            PoolResult r = clpool.pool(job.input(), job.op());
            return new Outcome(r.values().shape(), r.values().floats(), r.hasIndices() ? r.indices().int64s() : null);
        }
        try (DeviceTensor x = clpool.upload(job.input()); DevicePoolResult r = clpool.pool(x, job.op())) {
            Tensor values = clpool.download(r.values());
            long[] indices = r.indices() == null ? null : clpool.download(r.indices()).int64s();
            return new Outcome(values.shape(), values.floats(), indices);
        }
    }

    /** API calls one {@link #run} makes: 1 on the host, 3 or 4 on the device (upload, pool, downloads). */
    static int apiCalls(Job job, Api api) {
        return api == Api.HOST ? 1 : 3 + (job.op().withIndices() ? 1 : 0);
    }
}
