package dev.clpool.cli;

import dev.clpool.Clpool;
import dev.clpool.DeviceSelector;
import dev.clpool.bench.BenchInputs;
import dev.clpool.op.AdaptivePool;
import dev.clpool.op.OutputSize;
import dev.clpool.op.PoolResult;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code demo}: the explainer's examples on a device, each checked against the Java path. */
@Command(name = "demo", usageHelpAutoWidth = true,
        description = {
            "Runs the examples of the adaptive pooling explainer on seeded random inputs: [1,64,8,9] -> (5,7) avg, "
                    + "[1,64,10,9] -> 7 avg, max (None,7) and max (80,60) on [1,64,10,9], and a CIFAR ResNet's 4x4 "
                    + "feature map [8,512,4,4] -> (4,4), (2,2), (1,1) avg.",
            "Prints each case's input and output shapes, the time of the pooling call (transfers included) and its "
                    + "largest difference from the Java path; exits 1 if any case differs beyond PyTorch's float32 "
                    + "tolerance (avg) or at all (max values and indices).",
        },
        footerHeading = "%nExamples:%n",
        footer = {"  clpool demo", "  clpool demo --device cpu", "  CLPOOL_DEVICE=0:0 clpool demo"})
final class DemoCommand implements Callable<Integer> {
    /** One example: an input shape, a pooling, and the seed of its input. */
    record Case(String name, Shape input, AdaptivePool op, long seed) {
    }

    static final List<Case> CASES = List.of(
            new Case("avg (5, 7)", Shape.of(1, 64, 8, 9), AdaptivePool.avg2d(OutputSize.of(5, 7)), 1),
            new Case("avg 7", Shape.of(1, 64, 10, 9), AdaptivePool.avg2d(OutputSize.of(7)), 2),
            new Case("max (None, 7)", Shape.of(1, 64, 10, 9), AdaptivePool.max2d(OutputSize.ofNullable(null, 7L), true), 3),
            new Case("max (80, 60)", Shape.of(1, 64, 10, 9), AdaptivePool.max2d(OutputSize.of(80, 60), true), 4),
            new Case("CIFAR avg (4, 4)", Shape.of(8, 512, 4, 4), AdaptivePool.avg2d(OutputSize.of(4, 4)), 5),
            new Case("CIFAR avg (2, 2)", Shape.of(8, 512, 4, 4), AdaptivePool.avg2d(OutputSize.of(2, 2)), 5),
            new Case("CIFAR avg (1, 1)", Shape.of(8, 512, 4, 4), AdaptivePool.avg2d(OutputSize.of(1, 1)), 5));

    @Spec
    private CommandSpec spec;

    @Mixin
    private DeviceOption device;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        long opening = System.nanoTime();
        try (Clpool clpool = device.open(); Clpool java = Clpool.open(DeviceSelector.java())) {
            out.println("clpool demo on " + clpool.device() + " (opened in " + millis(System.nanoTime() - opening) + ")");
            if (!clpool.isOpenCl()) {
                out.println("note: this is the Java path, so it is compared with itself; `clpool devices` shows why no OpenCL device was used");
            }
            TextTable table = new TextTable(new String[] {"case", "input", "output", "time", "max |diff| vs Java", "indices"},
                    false, false, false, true, true, false);
            int failed = 0;
            for (Case c : CASES) {
                Tensor x = Tensor.of(BenchInputs.normal(c.input().elementCount(), c.seed()), c.input());
                long start = System.nanoTime();
                PoolResult result = clpool.pool(x, c.op());
                long elapsed = System.nanoTime() - start;
                PoolResult reference = java.pool(x, c.op());
                PoolDiff diff = PoolDiff.of(c.op().mode(), result, reference, Tolerance.FLOAT32);
                failed += diff.ok() ? 0 : 1;
                table.row(c.name(), c.input(), result.values().shape(), millis(elapsed),
                        CompareCommand.number(diff.values().maxAbs()) + (diff.ok() ? "" : " DIFFERENT"),
                        diff.indices() == null ? "-" : diff.indices().ok() ? "equal" : diff.indices().differing() + " differ");
            }
            table.print(out, "  ");
            if (failed > 0) {
                spec.commandLine().getErr().println(spec.qualifiedName() + ": " + failed + " of " + CASES.size()
                        + " cases differ from the Java path");
                return ExitCodes.FAILED;
            }
            out.println("all " + CASES.size() + " cases agree with the Java path (avg within " + Tolerance.FLOAT32
                    + ", max values and indices exactly)");
            return ExitCodes.OK;
        }
    }

    private static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
    }
}
