package dev.clpool.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.clpool.op.AdaptivePool;
import dev.clpool.Clpool;
import dev.clpool.DeviceSelector;
import dev.clpool.op.PoolMode;
import dev.clpool.tensor.Tensor;
import dev.clpool.opencl.OpenClUnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The peer harness: PyTorch's CPU kernels (libtorch through DJL, in this JVM) against clpool's Java
 * path and its OpenCL path on this machine's OpenCL device, on the CPU suite, interleaved run by run so
 * that the machine's drift hits every contender alike. PyTorch is timed on its kernel alone (tensor
 * already in libtorch); clpool end to end, from a host float[] to a host float[].
 *
 * <pre>mvn -q -B test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.clpool.bench.PeerBenchmark \
 *     -Dai.djl.offline=true -Dexec.args="--runs 11 --markdown target/peer.md"</pre>
 */
public final class PeerBenchmark {
    private interface Contender {
        float[] run(float[] input, dev.clpool.tensor.Shape shape, AdaptivePool op);
    }

    public static void main(String[] args) throws IOException {
        int runs = 11;
        Path markdown = null;
        List<BenchCase> cases = Suites.cpu();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--markdown" -> markdown = Path.of(args[++i]);
                case "--case" -> cases = List.of(cases.get(Integer.parseInt(args[++i])));
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; options: --runs K, --markdown FILE, --case INDEX");
            }
        }
        Engine torch = Engine.getEngine("PyTorch");
        StringBuilder table = new StringBuilder();
        String machine = Runtime.getRuntime().availableProcessors() + "-core " + System.getProperty("os.arch")
                + ", libtorch " + torch.getVersion() + ", Java " + Runtime.version();
        try (NDManager manager = torch.newBaseManager();
             Clpool java = Clpool.open(DeviceSelector.java());
             Clpool opencl = openClOrNull()) {
            table.append("Peer run on ").append(machine).append(opencl == null ? "; no OpenCL" : "; " + opencl.device())
                    .append(", median of ").append(runs).append(" interleaved runs, ms\n\n")
                    .append("| input → output | mode | PyTorch CPU | clpool Java | ratio | clpool OpenCL | ratio |\n")
                    .append("|---|---|---|---|---|---|---|\n");
            System.out.print(table);
            for (BenchCase c : cases) {
                float[] input = BenchInputs.normal(c.input().elementCount(), 42);
                for (PoolMode mode : PoolMode.values()) {
                    AdaptivePool op = mode == PoolMode.AVG ? AdaptivePool.avg2d(c.outputSize())
                            : AdaptivePool.max2d(c.outputSize(), true);
                    Map<String, Contender> contenders = new LinkedHashMap<>();
                    NDArray x = manager.create(input, new ai.djl.ndarray.types.Shape(c.input().toArray()));
                    long[] out = c.outputSize().resolve(new long[] {c.input().dim(2), c.input().dim(3)});
                    ai.djl.ndarray.types.Shape outShape = new ai.djl.ndarray.types.Shape(out);
                    contenders.put("torch", (in, s, o) -> {
                        try (NDArray y = mode == PoolMode.AVG ? JniUtils.adaptiveAvgPool((PtNDArray) x, outShape)
                                : JniUtils.adaptiveMaxPool((PtNDArray) x, outShape)) {
                            return null;
                        }
                    });
                    contenders.put("java", (in, s, o) -> java.pool(Tensor.of(in, s), o).values().floats());
                    if (opencl != null) {
                        contenders.put("opencl", (in, s, o) -> opencl.pool(Tensor.of(in, s), o).values().floats());
                    }
                    Map<String, double[]> ms = time(contenders, input, c, op, runs);
                    x.close();
                    String row = String.format(Locale.ROOT, "| %s | %s | %.2f | %.2f | %.2fx | %s | %s |%n", c.label(), mode.label(),
                            Benchmark.median(ms.get("torch")), Benchmark.median(ms.get("java")), Benchmark.median(ms.get("torch")) / Benchmark.median(ms.get("java")),
                            opencl == null ? "-" : String.format(Locale.ROOT, "%.2f", Benchmark.median(ms.get("opencl"))),
                            opencl == null ? "-" : String.format(Locale.ROOT, "%.2fx", Benchmark.median(ms.get("torch")) / Benchmark.median(ms.get("opencl"))));
                    System.out.print(row);
                    table.append(row);
                }
            }
        }
        table.append("\nratio = PyTorch time / clpool time: above 1 means clpool is faster.\n");
        if (markdown != null) {
            Files.writeString(markdown, table.toString());
        }
    }

    private static Clpool openClOrNull() {
        try {
            return Clpool.open(DeviceSelector.opencl());
        } catch (OpenClUnavailableException e) {
            System.err.println("no OpenCL: " + e.getMessage());
            return null;
        }
    }

    /** Warms each contender up, then runs them round-robin, rotating who goes first. */
    private static Map<String, double[]> time(Map<String, Contender> contenders, float[] input, BenchCase c,
                                              AdaptivePool op, int runs) {
        List<String> names = new ArrayList<>(contenders.keySet());
        for (int w = 0; w < 3; w++) {
            names.forEach(n -> contenders.get(n).run(input, c.input(), op));
        }
        Map<String, double[]> ms = new LinkedHashMap<>();
        names.forEach(n -> ms.put(n, new double[runs]));
        for (int r = 0; r < runs; r++) {
            for (int k = 0; k < names.size(); k++) {
                String n = names.get((r + k) % names.size());
                long t0 = System.nanoTime();
                contenders.get(n).run(input, c.input(), op);
                ms.get(n)[r] = (System.nanoTime() - t0) / 1e6;
            }
        }
        return ms;
    }
}
