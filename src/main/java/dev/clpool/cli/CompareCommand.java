package dev.clpool.cli;

import dev.clpool.Clpool;
import dev.clpool.DeviceSelector;
import dev.clpool.op.AdaptivePool;
import dev.clpool.op.PoolMode;
import dev.clpool.op.PoolResult;
import dev.clpool.plan.PoolPlan;
import dev.clpool.stream.ChunkBuffer;
import dev.clpool.stream.ChunkSource;
import dev.clpool.stream.ChunkStream;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

    @Mixin
    private StreamingOptions streaming;

    @Override
    public Integer call() throws IOException {
        Tolerance tolerance = tolerance();
        if (expectedIndices != null && expected == null) {
            throw new ParameterException(spec.commandLine(), "--expected-indices needs --expected");
        }
        PoolOptions.requireMax(spec.commandLine(), "--expected-indices", expectedIndices, pooling.mode());
        try (InputFile x = input.open();
             InputFile expectedValues = expected == null ? null : TensorFiles.open(expected, null, DType.FLOAT32, "--expected");
             InputFile expectedIdx = expectedIndices == null ? null
                     : TensorFiles.open(expectedIndices, null, DType.INT64, "--expected-indices")) {
            if (expectedIdx != null && !expectedIdx.shape().equals(expectedValues.shape())) {
                throw new BadInputException("--expected-indices " + expectedIndices + " has shape " + expectedIdx.shape()
                        + " but --expected " + expected + " has " + expectedValues.shape());
            }
            boolean withIndices = pooling.mode() == PoolMode.MAX && (expected == null || expectedIndices != null);
            AdaptivePool op = pooling.op(withIndices);
            PoolPlan plan = PoolOptions.plan(x.shape(), op, input.name());
            String against = expected == null ? "the Java path" : expected + (expectedIndices == null ? "" : " and " + expectedIndices);
            String where;
            PoolDiff diff;
            try (Clpool clpool = Clpool.open(selector()); Clpool java = Clpool.open(DeviceSelector.java());
                 TransferProgress progress = new TransferProgress(spec.commandLine().getErr())) {
                where = clpool.device();
                if (expectedValues != null && !expectedValues.shape().equals(plan.outputShape())) {
                    diff = PoolDiff.shapesDiffer(op.mode(), plan.outputShape(), expectedValues.shape());
                } else {
                    diff = streamed(op, plan, x, expectedValues, expectedIdx, clpool, java, tolerance, progress);
                }
            }
            report(op, x.shape(), where, against, diff, tolerance);
            if (!diff.ok()) {
                spec.commandLine().getErr().println(spec.qualifiedName() + ": " + where + " differs from " + against + ": "
                        + diff.problems());
                return ExitCodes.FAILED;
            }
            return ExitCodes.OK;
        }
    }

    /**
     * Pools the input a chunk at a time on the device and compares each chunk with the Java path's, or with the
     * same chunk of the expected files, keeping only the running statistics.
     */
    private PoolDiff streamed(AdaptivePool op, PoolPlan plan, InputFile x, InputFile expectedValues, InputFile expectedIdx,
                              Clpool clpool, Clpool java, Tolerance tolerance, TransferProgress progress) throws IOException {
        PoolDiff.Running running = new PoolDiff.Running(op.mode(), tolerance, op.withIndices() && (expectedValues == null
                || expectedIdx != null));
        List<ChunkSource> inputs = new ArrayList<>(List.of(x));
        if (expectedValues != null) {
            inputs.add(expectedValues);
        }
        if (expectedIdx != null) {
            inputs.add(expectedIdx);
        }
        ChunkBuffer[] scratch = {new ChunkBuffer(), new ChunkBuffer(), new ChunkBuffer(), new ChunkBuffer()};
        long outPlane = plan.outputPlaneSize();
        ChunkStream.run(op.spatialRank(), inputs, List.of(), (chunk, in, out) -> {
            Tensor part = in.get(0);
            Shape shape = Clpool.plan(part.shape(), DType.FLOAT32, Layout.CONTIGUOUS, op).outputShape();
            PoolResult actual = poolInto(clpool, op, part, shape, scratch[0], scratch[1]);
            PoolResult reference = expectedValues == null ? poolInto(java, op, part, shape, scratch[2], scratch[3])
                    : new PoolResult(in.get(1), expectedIdx == null ? null : in.get(2));
            running.add(actual, reference, chunk.firstUnit() * outPlane);
        }, streaming.options(progress));
        return running.result(plan.outputShape());
    }

    /** Pools a chunk into reused memory. */
    private static PoolResult poolInto(Clpool engine, AdaptivePool op, Tensor part, Shape shape, ChunkBuffer values,
                                       ChunkBuffer indices) {
        Tensor v = values.tensor(DType.FLOAT32, shape, Layout.CONTIGUOUS);
        Tensor i = op.withIndices() ? indices.tensor(DType.INT64, shape, Layout.CONTIGUOUS) : null;
        engine.poolInto(part, op, v, i);
        return new PoolResult(v, i);
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

    private void report(AdaptivePool op, Shape inputShape, String where, String against, PoolDiff diff, Tolerance tolerance) {
        PrintWriter out = spec.commandLine().getOut();
        out.println(op + " of " + input.name() + " " + inputShape);
        out.println("  device:     " + where);
        out.println("  reference:  " + against);
        out.println("  shapes:     device " + diff.actualShape() + ", reference " + diff.referenceShape());
        if (diff.shapesMatch()) {
            ValueDiff v = diff.values();
            out.println("  values:     max abs error " + number(v.maxAbs()) + ", max rel error " + number(v.maxRel()));
            String first = v.firstOutside() < 0 ? "" : ", first at " + Coordinates.of(diff.actualShape(), v.firstOutside())
                    + ": device " + v.firstActual() + ", reference " + v.firstReference();
            if (op.mode() == PoolMode.AVG) {
                out.println("  averages:   " + v.outside() + " of " + v.elements() + " outside " + tolerance + first);
            } else {
                out.println("  max values: " + v.outside() + " of " + v.elements() + " differ (bit-exact, NaN = NaN)" + first);
            }
            if (diff.indices() != null) {
                IndexDiff ix = diff.indices();
                out.println("  indices:    " + ix.differing() + " of " + ix.elements() + " differ" + (ix.first() < 0 ? ""
                        : ", first at " + Coordinates.of(diff.actualShape(), ix.first()) + ": device " + ix.firstActual()
                        + ", reference " + ix.firstReference()));
            } else if (op.mode() == PoolMode.MAX) {
                out.println("  indices:    not compared (no --expected-indices)");
            }
        }
        out.println("  result:     " + (diff.ok() ? "OK" : "DIFFERENT: " + diff.problems()));
    }

    /** {@code 0}, or three significant digits. */
    static String number(double d) {
        return d == 0 ? "0" : String.format(Locale.ROOT, "%.3g", d);
    }
}
