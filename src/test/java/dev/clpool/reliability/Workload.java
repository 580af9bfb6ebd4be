package dev.clpool.reliability;

import dev.clpool.Clpool;
import dev.clpool.DeviceSelector;
import dev.clpool.op.AdaptivePool;
import dev.clpool.op.DevicePoolResult;
import dev.clpool.op.OutputSize;
import dev.clpool.op.PoolResult;
import dev.clpool.op.PyramidPool;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.DeviceTensor;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A mixed workload for the concurrency, leak and no-OpenCL tests: shapes that reach every kernel family
 * (identity copies, many planes, one plane, upsampling, global pooling, single rows and columns,
 * non-divisible bins), each pooled as avg, max with indices and max without, through the host API or the
 * device API (upload, pool, download, close); and beside them float16, bfloat16 and float64 storage,
 * channels last, inputs in direct memory, pyramids and backward passes.
 */
final class Workload {
    /** One call of the workload. */
    sealed interface Job permits Pooling, Pyramid, Backward {
        String name();

        /** Runs this job through {@code api}; jobs without a device API (pyramids, backward passes) take the host's. */
        Outcome run(Clpool clpool, Api api);

        /** API calls {@link #run} makes. */
        int apiCalls(Api api);

        /** The kernel (or Java loop) {@code clpool} runs this job with. */
        String kernelOn(Clpool clpool);
    }

    /** A pooling of one input. */
    record Pooling(String name, Tensor input, AdaptivePool op) implements Job {
        @Override
        public Outcome run(Clpool clpool, Api api) {
            if (api == Api.HOST) {
                PoolResult r = clpool.pool(input, op);
                return Outcome.of(r.values(), r.indices());
            }
            try (DeviceTensor x = clpool.upload(input); DevicePoolResult r = clpool.pool(x, op)) {
                return Outcome.of(clpool.download(r.values()), r.indices() == null ? null : clpool.download(r.indices()));
            }
        }

        @Override
        public int apiCalls(Api api) {
            return api == Api.HOST ? 1 : 3 + (op.withIndices() ? 1 : 0);
        }

        @Override
        public String kernelOn(Clpool clpool) {
            return clpool.kernelFor(input, op);
        }

        @Override
        public String toString() {
            return name + " " + input + " " + op;
        }
    }

    /** A pyramid of one input. */
    record Pyramid(String name, Tensor input, PyramidPool pyramid) implements Job {
        @Override
        public Outcome run(Clpool clpool, Api api) {
            List<Tensor> values = new ArrayList<>();
            List<Tensor> indices = new ArrayList<>();
            for (PoolResult r : clpool.pyramid(input, pyramid)) {
                values.add(r.values());
                if (r.hasIndices()) {
                    indices.add(r.indices());
                }
            }
            return Outcome.of(values, indices);
        }

        @Override
        public int apiCalls(Api api) {
            return 1;
        }

        @Override
        public String kernelOn(Clpool clpool) {
            return clpool.kernelFor(input.shape(), pyramid);
        }

        @Override
        public String toString() {
            return name + " " + input + " " + pyramid;
        }
    }

    /** The backward pass of a pooling of {@code inputShape}, given its output's gradient (and indices, for max). */
    record Backward(String name, Shape inputShape, AdaptivePool op, Tensor gradOutput, Tensor indices) implements Job {
        @Override
        public Outcome run(Clpool clpool, Api api) {
            return Outcome.of(clpool.backward(op, inputShape, gradOutput, indices), null);
        }

        @Override
        public int apiCalls(Api api) {
            return 1;
        }

        @Override
        public String kernelOn(Clpool clpool) {
            return clpool.backwardKernelFor(op, inputShape);
        }

        @Override
        public String toString() {
            return name + " backward of " + op + " of " + inputShape;
        }
    }

    /** Which API a call goes through. */
    enum Api { HOST, DEVICE }

    /** What a call returned: the results' shapes, every value's bits (as float64, NaN made one) and every index. */
    record Outcome(List<Shape> shapes, long[] values, long[] indices) {
        static Outcome of(Tensor values, Tensor indices) {
            return of(List.of(values), indices == null ? List.of() : List.of(indices));
        }

        static Outcome of(List<Tensor> values, List<Tensor> indices) {
            List<Shape> shapes = values.stream().map(Tensor::shape).toList();
            long[] v = values.stream().flatMapToDouble(t -> Arrays.stream(t.to(DType.FLOAT64).doubles()))
                    .mapToLong(Double::doubleToLongBits).toArray();
            long[] i = indices.stream().flatMapToLong(t -> Arrays.stream(t.toHeap().int64s())).toArray();
            return new Outcome(shapes, v, i);
        }

        /**
         * Bit-for-bit equality, any NaN matching any NaN: which NaN payload a sum of two NaNs keeps is not
         * specified (the JIT may swap the operands of an addition), and PyTorch makes no promise about it.
         */
        boolean sameAs(Outcome o) {
            return shapes.equals(o.shapes) && Arrays.equals(values, o.values) && Arrays.equals(indices, o.indices);
        }

        /** The first difference from {@code expected}, for a failure message. */
        String differenceFrom(Outcome expected) {
            if (!shapes.equals(expected.shapes)) {
                return "shapes " + shapes + ", expected " + expected.shapes;
            }
            for (int i = 0; i < values.length; i++) {
                if (values[i] != expected.values[i]) {
                    return "value " + i + " is " + Double.longBitsToDouble(values[i]) + ", expected "
                            + Double.longBitsToDouble(expected.values[i]);
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

    /** The jobs: the float32 shapes below with avg, max with indices and max without, then the rest. */
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
            jobs.add(new Pooling((String) s[0], x, AdaptivePool.avg2d(size)));
            jobs.add(new Pooling((String) s[0], x, AdaptivePool.max2d(size, true)));
            jobs.add(new Pooling((String) s[0], x, AdaptivePool.max2d(size, false)));
        }
        Tensor planes = hostile(r, 4, 16, 12, 10);
        Object[][] storage = {
            {"float16", planes.to(DType.FLOAT16)},
            {"bfloat16", planes.to(DType.BFLOAT16)},
            {"float64", planes.to(DType.FLOAT64)},
            {"channels last", planes.toLayout(Layout.CHANNELS_LAST)},
            {"float16 channels last", planes.to(DType.FLOAT16).toLayout(Layout.CHANNELS_LAST)},
            {"direct memory", planes.toDirect()},
        };
        for (Object[] s : storage) {
            jobs.add(new Pooling((String) s[0], (Tensor) s[1], AdaptivePool.avg2d(OutputSize.of(5, 3))));
            jobs.add(new Pooling((String) s[0], (Tensor) s[1], AdaptivePool.max2d(OutputSize.of(5, 3), true)));
        }
        Tensor psp = hostile(r, 2, 8, 16, 16);
        jobs.add(new Pyramid("PSPNet pyramid", psp, PyramidPool.avg2d(1, 2, 3, 6)));
        jobs.add(new Pyramid("SPP-net pyramid", psp, PyramidPool.max2d(true, 1, 2, 4)));
        AdaptivePool avg = AdaptivePool.avg2d(OutputSize.of(5, 7));
        AdaptivePool max = AdaptivePool.max2d(OutputSize.of(5, 7), true);
        Tensor grad = hostile(r, 2, 4, 5, 7);
        jobs.add(new Backward("avg gradient", Shape.of(2, 4, 10, 9), avg, grad, null));
        // Max indices from a forward pass (on the Java path: the same on every path).
        Tensor forward = hostile(r, 2, 4, 10, 9);
        try (Clpool java = Clpool.open(DeviceSelector.java())) {
            jobs.add(new Backward("max gradient", forward.shape(), max, grad, java.pool(forward, max).indices()));
        }
        return jobs;
    }
}
