package dev.clpool.reliability.fuzz;

import dev.clpool.Clpool;
import dev.clpool.op.AdaptivePool;
import dev.clpool.op.PoolResult;
import dev.clpool.opencl.DeviceInfo;
import dev.clpool.tensor.Tensor;
import dev.clpool.testing.Seeds;
import dev.clpool.testing.TensorAssert;
import dev.clpool.testing.Torch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * The fuzzing harness: generates {@link FuzzCase}s from a seed and checks, for each, that the Java
 * path, the OpenCL path and PyTorch (libtorch through DJL) all agree with an {@link Oracle}:
 *
 * <ul>
 *   <li>Java and OpenCL: output shape, max values bit for bit (any NaN matching any NaN) with and
 *       without indices, indices exactly, averages bit for bit (on an OpenCL device without correctly
 *       rounded division, within PyTorch's float32 tolerance);</li>
 *   <li>PyTorch: output shape and max values bit for bit; averages bit for bit, except for 1x1
 *       outputs, which libtorch computes with {@code mean()} (another summation order and one division):
 *       there a NaN must stay NaN, and otherwise the two must be within what two summation orders can
 *       differ by ({@code atol + rtol * |avg| + 2^-23 * sum |x|}), unless the bin's magnitudes are
 *       large enough to overflow in some order, when no order-independent answer exists (counted).</li>
 * </ul>
 *
 * A disagreement is reported with the seed, the try, the case, the path, the element and both values.
 * The harness is itself tested against broken oracles ({@code HarnessSelfTest}).
 */
public final class PoolingHarness {
    /** Magnitudes at or above this may overflow float32 when summed in some order. */
    private static final double OVERFLOW_RISK = 0x1p127;

    private final Oracle oracle;
    private final Map<String, Clpool> paths = new java.util.LinkedHashMap<>();
    private final boolean exactOpenClAvg;
    private final boolean torch;

    /** What a run found: every disagreement (up to a limit), and counts of what was covered. */
    public record Report(long seed, int tries, List<String> failures, Map<String, Integer> counts) {
        public int count(String key) {
            return counts.getOrDefault(key, 0);
        }
    }

    /**
     * @param java the Java path, or null
     * @param openCl the OpenCL path, or null
     * @param torch whether to compare with libtorch
     */
    public PoolingHarness(Oracle oracle, Clpool java, Clpool openCl, boolean torch) {
        this.oracle = oracle;
        if (java != null) {
            paths.put("Java path", java);
        }
        if (openCl != null) {
            paths.put("OpenCL path", openCl);
        }
        this.exactOpenClAvg = openCl == null || openCl.openClDevices().stream().allMatch(DeviceInfo::correctlyRoundedDivide);
        this.torch = torch;
        if (torch) {
            // libtorch's intra-op threads spin against this JVM's own on small machines (on 2 cores, 1,000
            // tries took 8 s with 2 threads, under 1 s with 1). Pooling results do not depend on it: each
            // output cell is computed by one thread, and 1x1 means are compared order-independently.
            Torch.engine();
            ai.djl.pytorch.jni.JniUtils.setNumThreads(1);
        }
    }

    /** Checks {@code tries} cases generated from {@code seed}; stops at the first disagreement when asked to. */
    public Report run(long seed, int tries, boolean stopAtFirst) {
        Random r = new Random(seed);
        List<String> failures = new ArrayList<>();
        Map<String, Integer> counts = new TreeMap<>();
        int done = 0;
        for (int k = 0; k < tries; k++) {
            FuzzCase c = FuzzCase.random(r, k);
            count(counts, c);
            String failure = check(c, counts);
            done++;
            if (failure != null) {
                if (failures.size() < 50) {
                    failures.add(Seeds.describe(seed) + ", " + c + ", reference " + oracle + ": " + failure);
                }
                counts.merge("failed tries", 1, Integer::sum);
                if (stopAtFirst) {
                    break;
                }
            }
        }
        return new Report(seed, done, failures, counts);
    }

    private static void count(Map<String, Integer> counts, FuzzCase c) {
        counts.merge("fill " + c.fill(), 1, Integer::sum);
        for (long[] axis : new long[][] {{c.h(), c.outH()}, {c.w(), c.outW()}}) {
            String kind = axis[1] == 0 ? "zero output" : axis[1] == axis[0] ? "identity axis"
                    : axis[1] > axis[0] ? "upsampling axis" : axis[0] % axis[1] != 0 ? "non-divisible axis" : "divisible axis";
            counts.merge(kind, 1, Integer::sum);
        }
        if (c.oh() == null || c.ow() == null) {
            counts.merge("None axis", 1, Integer::sum);
        }
        if (c.outH() == 1 && c.outW() == 1) {
            counts.merge("1x1 output", 1, Integer::sum);
        }
        if (c.planes() == 0) {
            counts.merge("empty batch", 1, Integer::sum);
        }
        counts.merge(c.batched() ? "batched" : "unbatched", 1, Integer::sum);
    }

    /** The first disagreement for {@code c}, or null when every path agrees with the oracle. */
    public String check(FuzzCase c, Map<String, Integer> counts) {
        float[] input = c.x().clone();
        Oracle.Result avg = oracle.pool(c, true);
        Oracle.Result max = oracle.pool(c, false);
        for (Oracle.BinStats b : max.bins()) {
            if (b.nan()) {
                counts.merge("bins with NaN", 1, Integer::sum);
                break;
            }
        }
        Tensor x = Tensor.of(input, c.shape());
        for (Map.Entry<String, Clpool> path : paths.entrySet()) {
            String name = path.getKey();
            Clpool clpool = path.getValue();
            try {
                String d = compare(name + ", avg", avg, clpool.adaptiveAvgPool2d(x, c.outputSize()),
                        name.startsWith("OpenCL") && !exactOpenClAvg ? Mode.CLOSE : Mode.EXACT);
                if (d != null) {
                    return d;
                }
                PoolResult m = clpool.adaptiveMaxPool2d(x, c.outputSize());
                d = compare(name + ", max", max, m.values(), Mode.EXACT);
                if (d != null) {
                    return d;
                }
                if (!Arrays.equals(max.shape(), m.indices().shape().toArray())) {
                    return name + ", max indices: shape " + m.indices().shape() + ", expected " + Arrays.toString(max.shape());
                }
                long[] idx = m.indices().int64s();
                for (int i = 0; i < idx.length; i++) {
                    if (idx[i] != max.indices()[i]) {
                        return name + ", max indices: element " + i + " is " + idx[i] + ", expected " + max.indices()[i]
                                + " (the max " + max.values()[i] + ")";
                    }
                }
                d = compare(name + ", max without indices", max,
                        clpool.pool(x, AdaptivePool.max2d(c.outputSize(), false)).values(), Mode.EXACT);
                if (d != null) {
                    return d;
                }
                counts.merge("compared with the " + name, 1, Integer::sum);
            } catch (RuntimeException e) {
                return name + " threw " + e;
            }
        }
        if (torch) {
            String d = compareWithTorch(c, input, avg, max, counts);
            if (d != null) {
                return d;
            }
        }
        if (!Arrays.equals(floatBits(input), floatBits(c.x()))) {
            return "the input was modified (a path or PyTorch wrote to it)";
        }
        return null;
    }

    private String compareWithTorch(FuzzCase c, float[] input, Oracle.Result avg, Oracle.Result max, Map<String, Integer> counts) {
        long[] shape4 = c.batched() ? c.shape() : new long[] {1, c.shape()[0], c.h(), c.w()};
        Torch.Outcome ta = Torch.adaptiveAvgPool2d(input, shape4, c.outH(), c.outW());
        Torch.Outcome tm = Torch.adaptiveMaxPool2d(input, shape4, c.outH(), c.outW());
        if (ta.refused() || tm.refused()) {
            return "PyTorch refused a valid case: avg " + ta + ", max " + tm;
        }
        String d = compare("PyTorch, max", max, asOurs(c, tm), Mode.EXACT);
        if (d != null) {
            return d;
        }
        boolean global = c.outH() == 1 && c.outW() == 1;
        d = compare("PyTorch, avg" + (global ? " (1x1: mean())" : ""), avg, asOurs(c, ta), global ? Mode.ANY_ORDER : Mode.EXACT, counts);
        if (d != null) {
            return d;
        }
        counts.merge("compared with PyTorch", 1, Integer::sum);
        return null;
    }

    private static Tensor asOurs(FuzzCase c, Torch.Outcome t) {
        long[] shape = c.batched() ? t.shape() : Arrays.copyOfRange(t.shape(), 1, t.shape().length);
        if (!c.batched() && t.shape()[0] != 1) {
            throw new IllegalStateException("PyTorch batched an unbatched case as " + Arrays.toString(t.shape()));
        }
        return Tensor.of(t.values(), shape);
    }

    enum Mode { EXACT, CLOSE, ANY_ORDER }

    private static String compare(String what, Oracle.Result expected, Tensor actual, Mode mode) {
        return compare(what, expected, actual, mode, new TreeMap<>());
    }

    private static String compare(String what, Oracle.Result expected, Tensor actual, Mode mode, Map<String, Integer> counts) {
        if (!Arrays.equals(expected.shape(), actual.shape().toArray())) {
            return what + ": shape " + actual.shape() + ", expected " + Arrays.toString(expected.shape());
        }
        float[] e = expected.values();
        float[] a = actual.floats();
        for (int i = 0; i < e.length; i++) {
            boolean ok = switch (mode) {
                case EXACT -> Float.floatToIntBits(e[i]) == Float.floatToIntBits(a[i]);
                case CLOSE -> TensorAssert.close(e[i], a[i], TensorAssert.ATOL, TensorAssert.RTOL);
                case ANY_ORDER -> anyOrder(e[i], a[i], expected.bins()[i], counts);
            };
            if (!ok) {
                Oracle.BinStats b = expected.bins()[i];
                return what + ": element " + i + " is " + a[i] + " (bits 0x" + Integer.toHexString(Float.floatToRawIntBits(a[i]))
                        + "), expected " + e[i] + " (bits 0x" + Integer.toHexString(Float.floatToRawIntBits(e[i])) + "); its bin holds "
                        + b.count() + " elements" + (b.nan() ? ", a NaN" : "") + (b.infinite() ? ", an infinity" : "");
            }
        }
        return null;
    }

    /** Whether {@code actual} is what some summation order of the bin gives, as far as that is order-independent. */
    private static boolean anyOrder(float expected, float actual, Oracle.BinStats bin, Map<String, Integer> counts) {
        if (bin.nan()) {
            return Float.isNaN(actual);
        }
        if (bin.sumAbs() >= OVERFLOW_RISK) {
            counts.merge("1x1 averages left uncompared (overflow in some summation order)", 1, Integer::sum);
            return true;
        }
        if (bin.infinite() || !Float.isFinite(expected)) {
            return Float.floatToIntBits(expected) == Float.floatToIntBits(actual);
        }
        double bound = TensorAssert.ATOL + TensorAssert.RTOL * Math.abs(expected) + 0x1p-23 * bin.sumAbs();
        return Math.abs((double) actual - expected) <= bound;
    }

    private static int[] floatBits(float[] v) {
        int[] bits = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            bits[i] = Float.floatToRawIntBits(v[i]);
        }
        return bits;
    }
}
