package dev.clpool.cli;

import dev.clpool.Clpool;
import dev.clpool.DeviceSelector;
import dev.clpool.bench.BenchCase;
import dev.clpool.bench.BenchChart;
import dev.clpool.bench.BenchJsonReader;
import dev.clpool.bench.BenchReport;
import dev.clpool.bench.BenchResult;
import dev.clpool.bench.Benchmark;
import dev.clpool.bench.Machine;
import dev.clpool.bench.OpBenchmark;
import dev.clpool.bench.Suites;
import dev.clpool.op.OutputSize;
import dev.clpool.op.PoolMode;
import dev.clpool.opencl.DeviceInfo;
import dev.clpool.opencl.OpenClDevices;
import dev.clpool.opencl.OpenClOptions;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Shape;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bench}: kernel and end-to-end times, bandwidth against the device's copy bandwidth. */
@Command(name = "bench", usageHelpAutoWidth = true, sortOptions = false,
        description = {
            "Times adaptive pooling per shape, mode and device: a warm-up, then the median of --runs runs of the kernel "
                    + "(OpenCL profiling events; wall time on the Java path) and of the whole call from a host array to host "
                    + "arrays. Reports GB/s (input, values and indices bytes per kernel second) against the device's copy "
                    + "bandwidth, measured in the same run. Every device's results are first checked against the Java path.",
            "Max is timed with its int64 indices, as PyTorch computes them. --dtype and --layout time other storage types "
                    + "(float16, bfloat16, float64) and channels last (nhwc) on the same data; their rows carry dtype and layout "
                    + "(JSON fields \"dtype\", \"layout\").",
            "--svg draws the results as a bar chart; --replot draws it again from an earlier run's --json file, "
                    + "without timing anything.",
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  clpool bench --suite cpu --device all",
            "  clpool bench --shape 64,512,14,14 --output-size 7 --mode avg --runs 50",
            "  clpool bench --suite gpu --device opencl --json gpu.json --markdown gpu.md --svg gpu.svg",
            "  clpool bench --replot gpu.json --svg gpu.svg",
            "  clpool bench --op pyramid --suite cpu --device all",
            "  clpool bench --op backward --shape 64,512,14,14 --output-size 7 --device all",
            "  clpool bench --suite gpu --device opencl --mode avg --dtype float32,float16 --layout nchw,nhwc --json st.json",
        })
final class BenchCommand implements Callable<Integer> {
    private static final String CHART_TITLE = "clpool adaptive pooling, kernel GB/s";

    @Spec
    private CommandSpec spec;

    static final class Cases {
        @Option(names = "--suite", paramLabel = "cpu|gpu|untuned", description = "A suite of shapes: cpu, gpu, or untuned "
                + "(shapes no kernel was tuned on; default: cpu).")
        String suite;

        @ArgGroup(exclusive = false)
        Single single;
    }

    static final class Single {
        @Option(names = "--shape", required = true, paramLabel = "N,C,H,W", description = "One input shape.")
        String shape;

        @Option(names = "--output-size", required = true, paramLabel = "SPEC", converter = Converters.Size.class,
                description = "Its output size: 7, 5,7, none,7 or 5,none.")
        OutputSize outputSize;
    }

    @ArgGroup(exclusive = true)
    private Cases cases;

    @Option(names = "--op", paramLabel = "pool|pyramid|backward", defaultValue = "pool",
            description = "What to time: pool (the default); pyramid (PSPNet's and SPP-net's pyramids, the suite's sizes, "
                    + "against their levels pooled one call at a time); backward (the suite's or --shape's backward passes, "
                    + "against their forward passes). pyramid and backward are timed end to end, host arrays to host arrays.")
    private String op;

    @Option(names = "--mode", paramLabel = "avg|max|both", defaultValue = "both", description = "Default: ${DEFAULT-VALUE}.")
    private String mode;

    @Option(names = "--dtype", paramLabel = "TYPES", defaultValue = "float32",
            description = "Storage types to time, comma-separated: float32, float16, bfloat16, float64 (float64 needs "
                    + "cl_khr_fp64 on OpenCL devices). Default: ${DEFAULT-VALUE}.")
    private String dtypes;

    @Option(names = "--layout", paramLabel = "LAYOUTS", defaultValue = "nchw",
            description = "Layouts to time, comma-separated: nchw, nhwc (channels last). Default: ${DEFAULT-VALUE}.")
    private String layouts;

    @Option(names = "--host", paramLabel = "HOSTS", defaultValue = "heap",
            description = "Where the host tensors of the end-to-end runs live, comma-separated: heap (Java arrays) or direct "
                    + "(page-aligned direct memory, used in place by a device that shares host memory: no copy). JSON field "
                    + "host. Default: ${DEFAULT-VALUE}.")
    private String hosts;

    @Option(names = "--device", paramLabel = "DEVICE", defaultValue = "auto",
            description = "auto, cpu (the Java path), opencl, P:D, part of a device name, gpus, several OpenCL devices "
                    + "separated by commas (0:0,0:1: they share the end-to-end runs; kernel times are the first device's), or "
                    + "all (every OpenCL device and the Java path, each alone). Default: ${DEFAULT-VALUE}.")
    private String device;

    @Option(names = "--kernel", paramLabel = "NAME", defaultValue = "auto",
            description = "The OpenCL kernel to force (a plan it cannot run fails, naming why): auto, or one of ${COMPLETION-CANDIDATES}."
                    + " Default: ${DEFAULT-VALUE} (the registry's choice per plan).", completionCandidates = KernelNames.class)
    private String kernel;

    @Option(names = "--runs", paramLabel = "K", defaultValue = "20", description = "Timed runs per measurement. Default: ${DEFAULT-VALUE}.")
    private int runs;

    @Option(names = "--transfers", description = "Also measure host-device transfer rates of each OpenCL device: its own "
            + "pinned copies against clpool's upload and download of Java arrays.")
    private boolean transfers;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the results as a JSON list of records.")
    private Path json;

    @Option(names = "--markdown", paramLabel = "FILE", description = "Write the results as a Markdown table.")
    private Path markdown;

    @Option(names = "--svg", paramLabel = "FILE", description = "Draw the GB/s of every result as an SVG bar chart, "
            + "with each device's copy bandwidth as a dashed line.")
    private Path svg;

    @Option(names = "--replot", paramLabel = "JSON", description = "Time nothing: draw --svg from the results of an "
            + "earlier run, a --json file of --op pool.")
    private Path replot;

    @Override
    public Integer call() throws IOException {
        if (replot != null) {
            return replot();
        }
        if (runs < 1) {
            throw new BadInputException("--runs: must be at least 1, got " + runs);
        }
        List<BenchCase> selected = selectedCases();
        List<PoolMode> modes = switch (mode.toLowerCase(Locale.ROOT)) {
            case "both" -> List.of(PoolMode.AVG, PoolMode.MAX);
            case "avg" -> List.of(PoolMode.AVG);
            case "max" -> List.of(PoolMode.MAX);
            default -> throw new BadInputException("--mode: expected avg, max or both, got '" + mode + "'");
        };
        List<DType> types = list("--dtype", dtypes, text -> {
            DType d = DType.parse(text);
            if (!d.isFloatingPoint()) {
                throw new IllegalArgumentException("expected float32, float16, bfloat16 or float64, got '" + text + "'");
            }
            return d;
        });
        List<Layout> layoutList = list("--layout", layouts, Layout::parse);
        List<Benchmark.Host> hostList = list("--host", hosts, Benchmark.Host::parse);
        OpenClOptions options;
        try {
            options = OpenClOptions.defaults().withKernel(kernel);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--" + e.getMessage(), e);
        }
        for (Path file : new Path[] {json, markdown, svg}) {
            if (file != null) {
                TensorFiles.checkWritable(file, "output");
            }
        }
        if (!op.equalsIgnoreCase("pool")) {
            return ops(selected, modes, options);
        }
        PrintWriter out = spec.commandLine().getOut();
        List<Clpool> devices = openDevices(options);
        try (Clpool java = Clpool.open(DeviceSelector.java())) {
            out.println("clpool bench: " + selected.size() + " shapes x " + modes.size() + " modes"
                    + (types.size() * layoutList.size() > 1 ? " x " + types + " x " + layoutList.stream().map(Benchmark::label).toList()
                    : types.get(0) == DType.FLOAT32 && layoutList.get(0) == Layout.CONTIGUOUS ? ""
                    : " (" + types.get(0) + ", " + Benchmark.label(layoutList.get(0)) + ")")
                    + " on " + String.join(", ", devices.stream().map(Clpool::device).toList()) + ", median of " + runs + " runs");
            out.flush();
            ProgressBar progress = ProgressBar.ofSteps(spec.commandLine().getErr());
            List<BenchResult> results = Benchmark.run(selected, modes, types, layoutList, hostList, devices, java, runs,
                    step -> show(progress, step));
            progress.clear();
            out.print(BenchReport.table(results));
            devices.stream().filter(d -> !Shares.of(d).isEmpty())
                    .forEach(d -> out.println("end-to-end runs on " + d.openClDevices().size() + " devices" + Shares.of(d)));
            String transferText = transfers ? transferRates(devices) : "";
            out.print(transferText);
            out.flush();
            write(results, transferText);
            return verdict(results.stream().filter(r -> !matchesJava(r)).count());
        } finally {
            devices.forEach(Clpool::close);
        }
    }

    /** A comma-separated option value, each item parsed; a bad item is bad input naming the option. */
    private static <T> List<T> list(String option, String text, Function<String, T> parse) {
        List<T> items = new ArrayList<>();
        for (String part : text.split(",")) {
            try {
                T item = parse.apply(part.strip());
                if (!items.contains(item)) {
                    items.add(item);
                }
            } catch (IllegalArgumentException e) {
                String m = e.getMessage();
                throw new BadInputException(option + ": " + m.substring(m.indexOf(':') + 1).strip(), e);
            }
        }
        return items;
    }

    private List<BenchCase> selectedCases() {
        if (cases != null && cases.single != null) {
            String[] parts = cases.single.shape.split(",");
            long[] dims = new long[parts.length];
            try {
                for (int i = 0; i < parts.length; i++) {
                    dims[i] = Long.parseLong(parts[i].strip());
                }
            } catch (NumberFormatException e) {
                throw new BadInputException("--shape: expected N,C,H,W as integers, got '" + cases.single.shape + "'");
            }
            if (dims.length != 4) {
                throw new BadInputException("--shape: expected 4 sizes N,C,H,W, got " + dims.length);
            }
            try {
                return List.of(new BenchCase(Shape.of(dims), cases.single.outputSize));
            } catch (IllegalArgumentException e) {
                throw new BadInputException("--shape: " + e.getMessage(), e);
            }
        }
        try {
            return Suites.named(cases == null || cases.suite == null ? "cpu" : cases.suite);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--" + e.getMessage(), e);
        }
    }

    /** {@code --op pyramid} or {@code --op backward}: end-to-end times against a baseline, in their own table. */
    private int ops(List<BenchCase> selected, List<PoolMode> modes, OpenClOptions options) throws IOException {
        boolean pyramid = op.equalsIgnoreCase("pyramid");
        if (!pyramid && !op.equalsIgnoreCase("backward")) {
            throw new BadInputException("--op: expected pool, pyramid or backward, got '" + op + "'");
        }
        if (pyramid && cases != null && cases.single != null) {
            throw new BadInputException("--op pyramid: runs the pyramid suites (--suite cpu or gpu); --shape is for pool and backward");
        }
        if (svg != null || transfers) {
            throw new BadInputException("--op " + op + ": --svg and --transfers are for --op pool");
        }
        PrintWriter out = spec.commandLine().getOut();
        List<Clpool> devices = openDevices(options);
        try (Clpool java = Clpool.open(DeviceSelector.java())) {
            boolean gpu = cases != null && "gpu".equalsIgnoreCase(cases.suite);
            out.println("clpool bench --op " + op.toLowerCase(Locale.ROOT) + " on "
                    + String.join(", ", devices.stream().map(Clpool::device).toList()) + ", median of " + runs + " runs");
            out.flush();
            ProgressBar progress = ProgressBar.ofSteps(spec.commandLine().getErr());
            List<OpBenchmark.OpResult> results = pyramid
                    ? OpBenchmark.pyramids(gpu ? OpBenchmark.gpuPyramids() : OpBenchmark.cpuPyramids(), modes, devices, java, runs,
                            step -> show(progress, step))
                    : OpBenchmark.backward(selected, modes, devices, java, runs, step -> show(progress, step));
            progress.clear();
            out.print(OpBenchmark.table(results));
            out.flush();
            if (json != null) {
                writeText(json, OpBenchmark.json(results));
            }
            if (markdown != null) {
                writeText(markdown, OpBenchmark.markdown(results, Machine.describe()));
            }
            // Pyramids and gradients are the Java path's bits on every device, as the library promises.
            return verdict(results.stream().filter(r -> r.maxAbsDiff() != 0).count());
        } finally {
            devices.forEach(Clpool::close);
        }
    }

    /** The devices --device names; {@code all} is every OpenCL device (if any) and the Java path. */
    private List<Clpool> openDevices(OpenClOptions options) {
        List<Clpool> opened = new ArrayList<>();
        try {
            if (device.equalsIgnoreCase("all")) {
                for (DeviceInfo info : OpenClDevices.listOrEmpty()) {
                    opened.add(open(DeviceSelector.parse(info.index()), options));
                }
                opened.add(Clpool.open(DeviceSelector.java()));
            } else {
                DeviceSelector selector;
                try {
                    selector = DeviceSelector.parse(device);
                } catch (IllegalArgumentException e) {
                    throw new BadInputException("--device: " + e.getMessage(), e);
                }
                opened.add(open(selector, options));
            }
            return opened;
        } catch (RuntimeException e) {
            opened.forEach(Clpool::close);
            throw e;
        }
    }

    /** A forced kernel is an OpenCL kernel: {@code auto} then means the automatic OpenCL device. */
    private static Clpool open(DeviceSelector selector, OpenClOptions options) {
        boolean forced = !options.kernel().equals(OpenClOptions.AUTO);
        return Clpool.open(forced && selector instanceof DeviceSelector.Auto ? DeviceSelector.opencl() : selector, options);
    }

    /** The names --kernel takes, for its help. */
    static final class KernelNames extends ArrayList<String> {
        private static final long serialVersionUID = 1L;

        KernelNames() {
            super(OpenClOptions.kernelNames());
        }
    }

    private static String transferRates(List<Clpool> devices) {
        StringBuilder b = new StringBuilder();
        for (Clpool d : devices) {
            d.transferRates(256L << 20, 5).ifPresent(t -> b.append(String.format(Locale.ROOT, "%ntransfers of 256 MiB on %s:%n"
                            + "  host to device: pinned %.1f GB/s, clpool upload %.1f GB/s (%.0f%%)%n"
                            + "  device to host: pinned %.1f GB/s, clpool download %.1f GB/s (%.0f%%)%n",
                    d.device(), t.pinnedWriteGbps(), t.uploadGbps(), 100 * t.uploadGbps() / t.pinnedWriteGbps(),
                    t.pinnedReadGbps(), t.downloadGbps(), 100 * t.downloadGbps() / t.pinnedReadGbps())));
        }
        return b.toString();
    }

    /** The library's promise: every device's results are the Java path's bit for bit. */
    private static boolean matchesJava(BenchResult r) {
        return r.maxAbsDiff() == 0;
    }

    private void write(List<BenchResult> results, String transferText) throws IOException {
        if (json != null) {
            writeText(json, BenchReport.json(results));
        }
        if (markdown != null) {
            writeText(markdown, BenchReport.markdown(results, Machine.describe()) + (transferText.isEmpty() ? ""
                    : "\n```" + transferText + "```\n"));
        }
        if (svg != null) {
            writeText(svg, BenchChart.svg(results, CHART_TITLE));
        }
    }

    /** Exit 1 when {@code wrong} results differ from the Java path, saying so on stderr; else 0. */
    private int verdict(long wrong) {
        if (wrong > 0) {
            spec.commandLine().getErr().println(spec.qualifiedName() + ": " + wrong
                    + " results differ from the Java path (see the max diff column)");
            return ExitCodes.FAILED;
        }
        return ExitCodes.OK;
    }

    /** Writes a report, UTF-8. */
    private static void writeText(Path file, String text) throws IOException {
        TensorFiles.write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code --replot}: the chart of an earlier run's results; any option of a run would be ignored, so it is refused. */
    private int replot() throws IOException {
        List<String> runOptions = spec.commandLine().getParseResult().matchedOptions().stream()
                .filter(o -> !o.inherited() && !o.longestName().equals("--replot") && !o.longestName().equals("--svg"))
                .map(OptionSpec::longestName).distinct().toList();
        if (!runOptions.isEmpty()) {
            throw new BadInputException("--replot draws a chart from a file and times nothing; "
                    + String.join(", ", runOptions) + (runOptions.size() == 1 ? " is" : " are") + " for a run");
        }
        if (svg == null) {
            throw new BadInputException("--replot: name the chart to draw with --svg FILE");
        }
        TensorFiles.checkWritable(svg, "--svg");
        List<BenchResult> results = readResults(replot);
        writeText(svg, BenchChart.svg(results, CHART_TITLE));
        spec.commandLine().getOut().println("drew the " + results.size() + " results of " + replot + " into " + svg);
        return ExitCodes.OK;
    }

    private static List<BenchResult> readResults(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new BadInputException("--replot " + file + ": " + (Files.exists(file) ? "not a file" : "no such file"));
        }
        try {
            // Bytes that are not UTF-8 become U+FFFD, which the reader then refuses with its position.
            return BenchJsonReader.read(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new BadInputException("--replot " + ErrorReporter.describe(e), e);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--replot " + file + ": not the --json of a bench run: " + e.getMessage(), e);
        }
    }

    /** {@code [####      ] 3/10 what}. */
    private static void show(ProgressBar progress, Benchmark.Step step) {
        progress.show(step.done(), step.total(), step.done() + "/" + step.total() + " " + step.what());
    }
}
