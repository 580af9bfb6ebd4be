package dev.clpool.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.clpool.Clpool;
import dev.clpool.DeviceSelector;
import dev.clpool.op.AdaptivePool;
import dev.clpool.op.PoolMode;
import dev.clpool.opencl.OpenClUnavailableException;
import dev.clpool.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The peer harness: PyTorch's CPU operator (libtorch through DJL, in this JVM) against clpool's Java path
 * and its OpenCL path on this machine's OpenCL device, interleaved run by run so that the machine's drift
 * hits every contender alike. PyTorch is timed on its operator alone (tensor already in libtorch); clpool
 * end to end, from a host tensor to host tensors of results: from a {@code float[]} on both paths, and on
 * OpenCL also from page-aligned direct memory (used in place where the device shares host memory).
 *
 * <pre>mvn -q -B test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.clpool.bench.PeerBenchmark \
 *     -Dai.djl.offline=true -Dexec.args="--suite untuned --runs 11 --markdown target/peer.md"</pre>
 */
public final class PeerBenchmark {
    public static void main(String[] args) throws IOException {
        int runs = 11;
        Path markdown = null;
        List<BenchCase> cases = Suites.cpu();
        String suite = "cpu";
        Integer only = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--markdown" -> markdown = Path.of(args[++i]);
                case "--suite" -> cases = Suites.named(suite = args[++i]);
                case "--case" -> only = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; options: --suite cpu|gpu|untuned, --runs K, --markdown FILE, --case INDEX");
            }
        }
        if (only != null) {
            cases = List.of(cases.get(only));
        }
        Engine torch = Engine.getEngine("PyTorch");
        String machine = Runtime.getRuntime().availableProcessors() + "-core " + System.getProperty("os.arch")
                + ", libtorch " + torch.getVersion() + ", Java " + Runtime.version();
        StringBuilder table = new StringBuilder();
        try (NDManager manager = torch.newBaseManager();
             Clpool java = Clpool.open(DeviceSelector.java());
             Clpool opencl = openClOrNull()) {
            table.append("Peer run, suite ").append(suite).append(", on ").append(machine)
                    .append(opencl == null ? "; no OpenCL" : "; " + opencl.device())
                    .append(", median of ").append(runs).append(" interleaved runs, ms\n\n")
                    .append("| input → output | mode | PyTorch CPU | Java | ratio | OpenCL from float[] | ratio"
                            + " | OpenCL from direct | ratio |\n")
                    .append("|---|---|---|---|---|---|---|---|---|\n");
            System.out.print(table);
            int wins = 0;
            int rows = 0;
            for (BenchCase c : cases) {
                Tensor heap = Tensor.of(BenchInputs.normal(c.input().elementCount(), 42), c.input());
                Tensor direct = heap.toDirect();
                for (PoolMode mode : PoolMode.values()) {
                    AdaptivePool op = mode == PoolMode.AVG ? AdaptivePool.avg2d(c.outputSize())
                            : AdaptivePool.max2d(c.outputSize(), true);
                    try (NDArray x = manager.create(heap.floats(), new ai.djl.ndarray.types.Shape(c.input().toArray()))) {
                        ai.djl.ndarray.types.Shape out = new ai.djl.ndarray.types.Shape(c.outputSize().resolve(
                                new long[] {c.input().dim(2), c.input().dim(3)}));
                        Map<String, Supplier<Object>> contenders = new LinkedHashMap<>();
                        contenders.put("torch", () -> {
                            try (NDArray y = mode == PoolMode.AVG ? JniUtils.adaptiveAvgPool((PtNDArray) x, out)
                                    : JniUtils.adaptiveMaxPool((PtNDArray) x, out)) {
                                return y.getShape();
                            }
                        });
                        contenders.put("java", () -> java.pool(heap, op));
                        if (opencl != null) {
                            contenders.put("opencl", () -> opencl.pool(heap, op));
                            contenders.put("direct", () -> opencl.pool(direct, op));
                        }
                        Map<String, Double> ms = time(contenders, runs);
                        double t = ms.get("torch");
                        wins += ms.get("java") <= t ? 1 : 0;
                        rows++;
                        String row = String.format(Locale.ROOT, "| %s | %s | %.3f | %.3f | %.2fx | %s | %s |%n", c.label(),
                                mode.label(), t, ms.get("java"), t / ms.get("java"), cell(ms.get("opencl"), t), cell(ms.get("direct"), t));
                        System.out.print(row);
                        table.append(row);
                    }
                }
            }
            table.append("\nratio = PyTorch time / clpool time: above 1 means clpool is faster. The Java path is at least as fast as"
                    + " PyTorch on ").append(wins).append(" of ").append(rows).append(" rows.\n");
        }
        System.out.print(table.substring(table.lastIndexOf("\nratio")));
        if (markdown != null) {
            Files.writeString(markdown, table.toString());
        }
    }

    private static String cell(Double ms, double torch) {
        return ms == null ? "- | -" : String.format(Locale.ROOT, "%.3f | %.2fx", ms, torch / ms);
    }

    private static Clpool openClOrNull() {
        try {
            return Clpool.open(DeviceSelector.opencl());
        } catch (OpenClUnavailableException e) {
            System.err.println("no OpenCL: " + e.getMessage());
            return null;
        }
    }

    /** Warms each contender up, then runs them round-robin, rotating who goes first; the median per contender. */
    private static Map<String, Double> time(Map<String, Supplier<Object>> contenders, int runs) {
        List<String> names = new ArrayList<>(contenders.keySet());
        for (int w = 0; w < 3; w++) {
            names.forEach(n -> contenders.get(n).get());
        }
        Map<String, double[]> ms = new LinkedHashMap<>();
        names.forEach(n -> ms.put(n, new double[runs]));
        for (int r = 0; r < runs; r++) {
            for (int k = 0; k < names.size(); k++) {
                String n = names.get((r + k) % names.size());
                long t0 = System.nanoTime();
                contenders.get(n).get();
                ms.get(n)[r] = (System.nanoTime() - t0) / 1e6;
            }
        }
        Map<String, Double> medians = new LinkedHashMap<>();
        ms.forEach((n, v) -> medians.put(n, Benchmark.median(v)));
        return medians;
    }
}
