package dev.clpool.bench;

import dev.clpool.Clpool;
import dev.clpool.op.AdaptivePool;
import dev.clpool.op.DevicePoolResult;
import dev.clpool.op.PoolMode;
import dev.clpool.op.PoolResult;
import dev.clpool.plan.PoolPlan;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.DeviceTensor;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Times poolings on devices: per shape, mode, storage type, layout and device, a warm-up, then the median of the kernel time
 * (device tensors; OpenCL profiling events) and of the end-to-end time (host array to host array), the
 * kernel's bandwidth, and the device's copy bandwidth measured in the same run. Every result is checked
 * against the Java path first, bit for bit as the library promises: a fast wrong kernel is not a result.
 */
public final class Benchmark {
    /** Bytes each copy-bandwidth measurement moves: well past every cache. */
    private static final long COPY_BYTES = 512L << 20;

    /** What one step of a run is about, for progress displays. */
    public record Step(int done, int total, String what) {
    }

    /** Announces a run's {@code total} steps to a progress display, each as it starts, then "done". */
    static final class Steps {
        private final int total;
        private final Consumer<Step> progress;
        private int done;

        Steps(int total, Consumer<Step> progress) {
            this.total = total;
            this.progress = progress;
        }

        void next(String what) {
            progress.accept(new Step(done++, total, what));
        }

        void finish() {
            progress.accept(new Step(total, total, "done"));
        }
    }

    private Benchmark() {
    }

    /**
     * Runs every case in every mode on every device.
     *
     * @param reference the Java path, whose results every device's are compared with
     */
    public static List<BenchResult> run(List<BenchCase> cases, List<PoolMode> modes, List<Clpool> devices,
                                        Clpool reference, int runs, Consumer<Step> progress) {
        return run(cases, modes, List.of(DType.FLOAT32), List.of(Layout.CONTIGUOUS), devices, reference, runs, progress);
    }

    /** {@link #run(List, List, List, List, List, List, Clpool, int, Consumer)} from Java arrays. */
    public static List<BenchResult> run(List<BenchCase> cases, List<PoolMode> modes, List<DType> dtypes, List<Layout> layouts,
                                        List<Clpool> devices, Clpool reference, int runs, Consumer<Step> progress) {
        return run(cases, modes, dtypes, layouts, List.of(Host.HEAP), devices, reference, runs, progress);
    }

    /** Where the host tensors of the end-to-end runs live. */
    public enum Host {
        /** Java arrays: a device that shares host memory copies them once each way. */
        HEAP,
        /** Page-aligned direct memory: a device that shares host memory computes in it, no copy. */
        DIRECT;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** {@code heap} or {@code direct}. */
        public static Host parse(String text) {
            return switch (text.strip().toLowerCase(Locale.ROOT)) {
                case "heap" -> HEAP;
                case "direct" -> DIRECT;
                default -> throw new IllegalArgumentException("expected heap or direct, got '" + text + "'");
            };
        }
    }

    /**
     * Runs every case in every mode, storage type, layout and host memory on every device: the same N(0, 1)
     * data, rounded to each dtype, laid out in each layout, in each kind of host memory.
     *
     * @param reference the Java path, whose results every device's are compared with
     */
    public static List<BenchResult> run(List<BenchCase> cases, List<PoolMode> modes, List<DType> dtypes, List<Layout> layouts,
                                        List<Host> hosts, List<Clpool> devices, Clpool reference, int runs,
                                        Consumer<Step> progress) {
        int total = cases.size() * modes.size() * dtypes.size() * layouts.size() * hosts.size() * devices.size() + devices.size();
        Steps steps = new Steps(total, progress);
        double[] copyGbps = new double[devices.size()];
        for (int d = 0; d < devices.size(); d++) {
            steps.next("copy bandwidth of " + devices.get(d).device());
            copyGbps[d] = copyBandwidth(devices.get(d));
        }
        List<BenchResult> results = new ArrayList<>();
        for (BenchCase c : cases) {
            Tensor normal = BenchInputs.normal(c.input(), 42);
            for (DType dtype : dtypes) {
                Tensor typed = dtype == DType.FLOAT32 ? normal : normal.to(dtype);
                for (Layout layout : layouts) {
                    Tensor laid = layout == Layout.CONTIGUOUS ? typed : typed.toLayout(layout);
                    for (Host host : hosts) {
                        Tensor input = host == Host.DIRECT ? laid.toDirect() : laid;
                        String storage = (dtype == DType.FLOAT32 ? "" : " " + dtype) + (layout == Layout.CONTIGUOUS ? "" : " " + label(layout))
                                + (host == Host.HEAP ? "" : " " + host.label());
                        for (PoolMode mode : modes) {
                            AdaptivePool op = c.op(mode);
                            PoolResult expected = reference.pool(laid, op);
                            for (int d = 0; d < devices.size(); d++) {
                                Clpool device = devices.get(d);
                                steps.next(c.label() + " " + mode.label() + storage + " on " + device.device());
                                if (runs(device, input, op)) {
                                    results.add(measure(c, op, input, host, expected, device, copyGbps[d], runs));
                                }
                            }
                        }
                    }
                }
            }
        }
        steps.finish();
        return results;
    }

    /** False where a forced kernel (bench --kernel) cannot run the case: a sweep of one kernel skips those. */
    static boolean runs(Clpool device, Tensor input, AdaptivePool op) {
        try {
            device.kernelFor(input, op);
            return true;
        } catch (IllegalArgumentException e) {
            if (e.getMessage().startsWith("kernel: clpool.kernel=")) {
                return false;
            }
            throw e;
        }
    }

    private static BenchResult measure(BenchCase c, AdaptivePool op, Tensor input, Host host, PoolResult expected,
                                       Clpool device, double copyGbps, int runs) {
        double diff = difference(expected, device.pool(input, op));
        double[] kernelMs = new double[runs];
        double[] callMs = new double[runs];
        try (DeviceTensor x = device.upload(input)) {
            for (int r = -2; r < runs; r++) {
                long t0 = System.nanoTime();
                try (DevicePoolResult y = device.pool(x, op)) {
                    if (r >= 0) {
                        callMs[r] = (System.nanoTime() - t0) / 1e6;
                        kernelMs[r] = y.kernelNanos() / 1e6;
                    }
                }
            }
        }
        double endToEnd = time(runs, () -> device.pool(input, op));
        PoolPlan plan = PoolPlan.of(input.shape(), op);
        int elementBytes = input.dtype().byteSize();
        long bytes = plan.inputShape().elementCount() * elementBytes
                + plan.outputElements() * (elementBytes + (op.withIndices() ? Long.BYTES : 0));
        double kernel = median(kernelMs);
        String kernelName = device.kernelFor(input, op);
        return new BenchResult(BenchCase.shapeText(c.input()), c.outputText().replace('×', 'x'), op.mode().label(),
                device.device(), kernelName, kernel, endToEnd, bytes / (kernel * 1e6), copyGbps, diff, runs,
                input.dtype().toString(), label(input.layout()), host.label(), median(callMs));
    }

    /** {@code nchw} or {@code nhwc}, as the command line and the reports name layouts. */
    public static String label(Layout layout) {
        return layout == Layout.CHANNELS_LAST ? "nhwc" : "nchw";
    }

    /** The device's copy bandwidth, as the device measures it (for the Java path, all cores copying arrays). */
    static double copyBandwidth(Clpool device) {
        return device.copyBandwidthGbps(COPY_BYTES, 5).orElseThrow();
    }

    /**
     * How far {@code actual} is from {@code expected}, the library's promise being bit-identical results:
     * 0 when every value has the same bits (any NaN matching any NaN) and every index is equal, else the
     * largest absolute difference, or infinity where the bits differ but the numbers do not (-0 and +0, a
     * NaN and a number) or an index does.
     */
    public static double difference(PoolResult expected, PoolResult actual) {
        // Every dtype compared in float64, which holds each exactly.
        double[] e = asDoubles(expected.values());
        double[] a = asDoubles(actual.values());
        double worst = 0;
        for (int i = 0; i < e.length; i++) {
            if (Double.isNaN(e[i]) || Double.isNaN(a[i])) {
                worst = Double.isNaN(e[i]) && Double.isNaN(a[i]) ? worst : Double.POSITIVE_INFINITY;
            } else if (Double.doubleToLongBits(e[i]) != Double.doubleToLongBits(a[i])) {
                double d = Math.abs(e[i] - a[i]);
                worst = Math.max(worst, d == 0 ? Double.POSITIVE_INFINITY : d);
            }
        }
        if (expected.hasIndices()
                && !Arrays.equals(expected.indices().toHeap().int64s(), actual.indices().toHeap().int64s())) {
            worst = Double.POSITIVE_INFINITY;
        }
        return worst;
    }

    private static double[] asDoubles(Tensor t) {
        return t.to(DType.FLOAT64).doubles();
    }

    /** The median of {@code runs} timed calls in milliseconds, after two untimed ones. */
    static double time(int runs, Runnable call) {
        double[] ms = new double[runs];
        for (int r = -2; r < runs; r++) {
            long t0 = System.nanoTime();
            call.run();
            if (r >= 0) {
                ms[r] = (System.nanoTime() - t0) / 1e6;
            }
        }
        return median(ms);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
