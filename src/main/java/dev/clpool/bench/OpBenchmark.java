package dev.clpool.bench;

import dev.clpool.Clpool;
import dev.clpool.op.AdaptivePool;
import dev.clpool.op.OutputSize;
import dev.clpool.op.PoolMode;
import dev.clpool.op.PoolResult;
import dev.clpool.op.PyramidPool;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Times pyramid pooling and backward passes end to end (host arrays to host arrays; they have no
 * device-tensor API), each against a baseline on the same device: a pyramid against its levels pooled
 * one call at a time, a backward pass against its forward pass. Every result is first checked against
 * the Java path: pyramids and max gradients exactly, average gradients within float32 tolerance.
 */
public final class OpBenchmark {
    /** A pyramid benchmark shape: an input and its levels' output sizes. */
    public record PyramidCase(Shape input, List<OutputSize> levels) {
        public String label() {
            return BenchCase.shapeText(input) + "→" + levels.stream().map(OutputSize::toString).collect(Collectors.joining("|"));
        }
    }

    /**
     * One measurement.
     *
     * @param op {@code pyramid} or {@code backward}
     * @param shape the input shape
     * @param outputs the output size(s), e.g. {@code 1|2|3|6}
     * @param mode avg or max
     * @param device where it ran
     * @param method how: {@code pyramid-staged}, {@code pyramid-planes} or {@code levels} (OpenCL pyramids),
     *     {@code gather} (OpenCL backward), {@code java}
     * @param msMedian the operation's end-to-end time
     * @param baseline what it is compared with: {@code separate levels} or {@code forward}
     * @param baselineMsMedian the baseline's end-to-end time on the same device
     * @param maxAbsDiff the largest difference from the Java path
     * @param runs timed runs per median
     */
    public record OpResult(String op, String shape, String outputs, String mode, String device, String method,
                           double msMedian, String baseline, double baselineMsMedian, double maxAbsDiff, int runs) {
        /** How many times faster than the baseline (below 1: slower). */
        public double speedup() {
            return baselineMsMedian / msMedian;
        }
    }

    private OpBenchmark() {
    }

    /** PSPNet's and SPP-net's pyramids on feature maps of their sizes, for a 2-core machine. */
    public static List<PyramidCase> cpuPyramids() {
        return List.of(p(Shape.of(4, 512, 60, 60), 1, 2, 3, 6), p(Shape.of(32, 256, 13, 13), 1, 2, 4),
                p(Shape.of(64, 512, 14, 14), 1, 2, 4), p(Shape.of(8, 2048, 30, 30), 1, 2, 3, 6));
    }

    /** The same pyramids at data-centre GPU batch sizes. */
    public static List<PyramidCase> gpuPyramids() {
        return List.of(p(Shape.of(16, 512, 60, 60), 1, 2, 3, 6), p(Shape.of(256, 256, 13, 13), 1, 2, 4),
                p(Shape.of(256, 512, 14, 14), 1, 2, 4), p(Shape.of(16, 2048, 60, 60), 1, 2, 3, 6));
    }

    private static PyramidCase p(Shape input, long... sizes) {
        List<OutputSize> levels = new ArrayList<>();
        for (long s : sizes) {
            levels.add(OutputSize.of(s));
        }
        return new PyramidCase(input, levels);
    }

    /** Each pyramid in each mode on each device, against its levels pooled one call at a time. */
    public static List<OpResult> pyramids(List<PyramidCase> cases, List<PoolMode> modes, List<Clpool> devices,
                                          Clpool reference, int runs, Consumer<Benchmark.Step> progress) {
        Benchmark.Steps steps = new Benchmark.Steps(cases.size() * modes.size() * devices.size(), progress);
        List<OpResult> results = new ArrayList<>();
        for (PyramidCase c : cases) {
            Tensor input = BenchInputs.normal(c.input(), 42);
            for (PoolMode mode : modes) {
                PyramidPool op = new PyramidPool(mode, 2, c.levels(), mode == PoolMode.MAX);
                List<PoolResult> expected = reference.pyramid(input, op);
                for (Clpool device : devices) {
                    steps.next(c.label() + " " + mode.label() + " on " + device.device());
                    List<PoolResult> actual = device.pyramid(input, op);
                    double diff = 0;
                    for (int l = 0; l < expected.size(); l++) {
                        diff = Math.max(diff, Benchmark.difference(expected.get(l), actual.get(l)));
                    }
                    double ms = Benchmark.time(runs, () -> device.pyramid(input, op));
                    double separate = Benchmark.time(runs, () -> op.levels().forEach(level -> device.pool(input, level)));
                    String method = device.kernelFor(input.shape(), op);
                    results.add(new OpResult("pyramid", BenchCase.shapeText(c.input()), c.label().substring(c.label().indexOf('→') + 1),
                            mode.label(), device.device(), method, ms, "separate levels", separate, diff, runs));
                }
            }
        }
        steps.finish();
        return results;
    }

    /** Each case's backward pass in each mode on each device, against its forward pass. */
    public static List<OpResult> backward(List<BenchCase> cases, List<PoolMode> modes, List<Clpool> devices,
                                          Clpool reference, int runs, Consumer<Benchmark.Step> progress) {
        Benchmark.Steps steps = new Benchmark.Steps(cases.size() * modes.size() * devices.size(), progress);
        List<OpResult> results = new ArrayList<>();
        for (BenchCase c : cases) {
            Tensor input = BenchInputs.normal(c.input(), 42);
            for (PoolMode mode : modes) {
                AdaptivePool op = c.op(mode);
                PoolResult forward = reference.pool(input, op);
                Tensor g = BenchInputs.normal(forward.values().shape(), 7);
                Tensor expected = reference.backward(op, input.shape(), g, forward.indices());
                for (Clpool device : devices) {
                    steps.next(c.label() + " " + mode.label() + " backward on " + device.device());
                    Tensor actual = device.backward(op, input.shape(), g, forward.indices());
                    double diff = Benchmark.difference(new PoolResult(expected, null), new PoolResult(actual, null));
                    double ms = Benchmark.time(runs, () -> device.backward(op, input.shape(), g, forward.indices()));
                    double forwardMs = Benchmark.time(runs, () -> device.pool(input, op));
                    results.add(new OpResult("backward", BenchCase.shapeText(c.input()), c.outputText().replace('×', 'x'),
                            mode.label(), device.device(), device.backwardKernelFor(op, input.shape()), ms, "forward", forwardMs, diff, runs));
                }
            }
        }
        steps.finish();
        return results;
    }

    /** A fixed-width table for the terminal. */
    public static String table(List<OpResult> results) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-8s %-30s %-4s %-14s %10s %-16s %10s %8s %10s  %s%n",
                "op", "input -> output", "mode", "method", "e2e ms", "baseline", "base ms", "speedup", "max diff", "device"));
        for (OpResult r : results) {
            b.append(String.format(Locale.ROOT, "%-8s %-30s %-4s %-14s %10.3f %-16s %10.3f %7.2fx %10.2g  %s%n",
                    r.op(), r.shape() + "->" + r.outputs(), r.mode(), r.method(), r.msMedian(), r.baseline(),
                    r.baselineMsMedian(), r.speedup(), r.maxAbsDiff(), r.device()));
        }
        return b.toString();
    }

    /** A Markdown table; {@code machine} says where it ran. */
    public static String markdown(List<OpResult> results, String machine) {
        StringBuilder b = new StringBuilder("Measured on ").append(machine).append(", end to end (host arrays to host arrays), median of ")
                .append(results.isEmpty() ? 0 : results.get(0).runs()).append(" runs after a warm-up.\n\n")
                .append("| op | input → output | mode | device | method | ms | baseline | baseline ms | speedup | max diff vs Java |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (OpResult r : results) {
            b.append(String.format(Locale.ROOT, "| %s | %s → %s | %s | %s | %s | %.3f | %s | %.3f | %.2f× | %.2g |%n",
                    r.op(), r.shape(), r.outputs(), r.mode(), r.device(), r.method(), r.msMedian(), r.baseline(),
                    r.baselineMsMedian(), r.speedup(), r.maxAbsDiff()));
        }
        return b.toString();
    }

    /** A JSON array of records with the fields of {@link OpResult}. */
    public static String json(List<OpResult> results) {
        StringBuilder b = new StringBuilder("[\n");
        for (int i = 0; i < results.size(); i++) {
            OpResult r = results.get(i);
            b.append(String.format(Locale.ROOT, "  {\"op\": \"%s\", \"shape\": \"%s\", \"outputs\": \"%s\", \"mode\": \"%s\", "
                            + "\"device\": \"%s\", \"method\": \"%s\", \"ms_median\": %s, \"baseline\": \"%s\", "
                            + "\"baseline_ms_median\": %s, \"speedup\": %s, \"max_abs_diff\": %s, \"runs\": %d}%s%n",
                    r.op(), r.shape(), r.outputs(), r.mode(), r.device().replace("\\", "\\\\").replace("\"", "\\\""), r.method(),
                    number(r.msMedian()), r.baseline(), number(r.baselineMsMedian()), number(r.speedup()), number(r.maxAbsDiff()),
                    r.runs(), i + 1 < results.size() ? "," : ""));
        }
        return b.append("]\n").toString();
    }

    private static String number(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6g", v) : "null";
    }
}
