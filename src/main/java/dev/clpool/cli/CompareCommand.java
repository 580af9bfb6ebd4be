package dev.clpool.cli;

import dev.clpool.op.AdaptivePool;
import dev.clpool.Clpool;
import dev.clpool.tensor.DType;
import dev.clpool.DeviceSelector;
import dev.clpool.op.PoolMode;
import dev.clpool.op.PoolResult;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code compare}: a device against the Java path, or against expected files (e.g. from PyTorch). */
@Command(name = "compare", sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Pools the input on a device and compares the result with the Java path, or with --expected files "
                    + "(e.g. saved from PyTorch). Prints the shapes, the largest absolute and relative errors, how "
                    + "many averages are outside the tolerance, and how many max values and indices differ.",
            "Averages are compared within atol + rtol * |reference| (PyTorch's float32 defaults); max values "
                    + "bit-exactly, NaN equal to NaN; indices exactly. Exits 1 when anything differs.",
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  clpool compare --mode avg --output-size 7 --input x.npy",
            "  clpool compare --mode max --output-size 5,7 --input x.npy \\",
            "      --expected torch_max.npy --expected-indices torch_idx.npy --device cpu",
        })
final class CompareCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private PoolOptions pooling;

    @Mixin
    private InputOptions input;

    @Option(names = "--device", paramLabel = "DEVICE", converter = Converters.Device.class,
            description = "The device under test: " + DeviceOption.FORMS + ". Default: what the clpool.device "
                    + "property or the CLPOOL_DEVICE environment variable name if not auto, else opencl (so that "
                    + "a machine without OpenCL fails rather than comparing the Java path with itself).")
    private DeviceSelector device;

    @Option(names = "--expected", paramLabel = "EXP.npy",
            description = "Compare with these float32 values instead of the Java path.")
    private Path expected;

    @Option(names = "--expected-indices", paramLabel = "I.npy",
            description = "With --expected and --mode max: the int64 indices to compare too.")
    private Path expectedIndices;

    @Option(names = "--atol", paramLabel = "A", defaultValue = "1e-5",
            description = "Absolute tolerance for averages (default: ${DEFAULT-VALUE}).")
    private double atol;

    @Option(names = "--rtol", paramLabel = "R", defaultValue = "1.3e-6",
            description = "Relative tolerance for averages (default: ${DEFAULT-VALUE}).")
    private double rtol;

    @Override
    public Integer call() {
        Tolerance tolerance = tolerance();
        if (expectedIndices != null && expected == null) {
            throw new ParameterException(spec.commandLine(), "--expected-indices needs --expected");
        }
        if (expectedIndices != null && pooling.mode() != PoolMode.MAX) {
            throw new ParameterException(spec.commandLine(), "--expected-indices needs --mode max (average pooling has no indices)");
        }
        Tensor x = input.load();
        Tensor expectedValues = expected == null ? null : TensorFiles.read(expected, null, DType.FLOAT32, "--expected");
        Tensor expectedIdx = expectedIndices == null ? null
                : TensorFiles.read(expectedIndices, null, DType.INT64, "--expected-indices");
        if (expectedIdx != null && !expectedIdx.shape().equals(expectedValues.shape())) {
            throw new BadInputException("--expected-indices " + expectedIndices + " has shape " + expectedIdx.shape()
                    + " but --expected " + expected + " has " + expectedValues.shape());
        }
        boolean withIndices = pooling.mode() == PoolMode.MAX && (expected == null || expectedIndices != null);
        AdaptivePool op = pooling.op(withIndices);
        PoolOptions.plan(x.shape(), op, input.name());

        PoolResult actual;
        String where;
        try (Clpool clpool = Clpool.open(selector())) {
            where = clpool.device();
            actual = clpool.pool(x, op);
        }
        PoolResult reference;
        String against;
        if (expected == null) {
            try (Clpool java = Clpool.open(DeviceSelector.java())) {
                reference = java.pool(x, op);
                against = "the Java path";
            }
        } else {
            reference = new PoolResult(expectedValues, expectedIdx);
            against = expected + (expectedIndices == null ? "" : " and " + expectedIndices);
        }
        PoolDiff diff = PoolDiff.of(op.mode(), actual, reference, tolerance);
        report(op, x.shape(), where, against, diff, tolerance, actual, reference);
        if (!diff.ok()) {
            spec.commandLine().getErr().println(spec.qualifiedName() + ": " + where + " differs from " + against + ": "
                    + diff.problems());
            return ExitCodes.FAILED;
        }
        return ExitCodes.OK;
    }

    private Tolerance tolerance() {
        try {
            return new Tolerance(atol, rtol);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--atol / --rtol: " + e.getMessage());
        }
    }

    private DeviceSelector selector() {
        if (device != null) {
            return device;
        }
        DeviceSelector configured = DeviceOption.fromEnvironment();
        return configured instanceof DeviceSelector.Auto ? DeviceSelector.opencl() : configured;
    }

    private void report(AdaptivePool op, Shape inputShape, String where, String against, PoolDiff diff, Tolerance tolerance,
                        PoolResult actual, PoolResult reference) {
        PrintWriter out = spec.commandLine().getOut();
        out.println(op + " of " + input.name() + " " + inputShape);
        out.println("  device:     " + where);
        out.println("  reference:  " + against);
        out.println("  shapes:     device " + diff.actualShape() + ", reference " + diff.referenceShape());
        if (diff.shapesMatch()) {
            ValueDiff v = diff.values();
            out.println("  values:     max abs error " + number(v.maxAbs()) + ", max rel error " + number(v.maxRel()));
            if (op.mode() == PoolMode.AVG) {
                out.println("  averages:   " + v.outside() + " of " + v.elements() + " outside " + tolerance
                        + firstValue(v.firstOutside(), actual.values(), reference.values()));
            } else {
                out.println("  max values: " + v.outside() + " of " + v.elements() + " differ (bit-exact, NaN = NaN)"
                        + firstValue(v.firstOutside(), actual.values(), reference.values()));
            }
            if (diff.indices() != null) {
                IndexDiff ix = diff.indices();
                out.println("  indices:    " + ix.differing() + " of " + ix.elements() + " differ"
                        + firstIndex(ix.first(), actual.indices(), reference.indices()));
            } else if (op.mode() == PoolMode.MAX) {
                out.println("  indices:    not compared (no --expected-indices)");
            }
        }
        out.println("  result:     " + (diff.ok() ? "OK" : "DIFFERENT: " + diff.problems()));
    }

    /** {@code , first at [0, 3, 2, 1]: device 0.5, reference 0.5001}, or nothing when none differs. */
    private static String firstValue(long flat, Tensor actual, Tensor reference) {
        return flat < 0 ? "" : ", first at " + Coordinates.of(actual.shape(), flat) + ": device "
                + actual.floats()[(int) flat] + ", reference " + reference.floats()[(int) flat];
    }

    /** {@code , first at [0, 3, 2, 1]: device 17, reference 18}, or nothing when none differs. */
    private static String firstIndex(long flat, Tensor actual, Tensor reference) {
        return flat < 0 ? "" : ", first at " + Coordinates.of(actual.shape(), flat) + ": device "
                + actual.int64s()[(int) flat] + ", reference " + reference.int64s()[(int) flat];
    }

    /** {@code 0}, or three significant digits. */
    static String number(double d) {
        return d == 0 ? "0" : String.format(Locale.ROOT, "%.3g", d);
    }
}
