package dev.clpool.reliability.fuzz;

import java.math.BigInteger;

/**
 * The reference the fuzzing harness checks every path against: adaptive pooling written from its
 * definition, independently of clpool. Bin {@code i} of {@code O} over {@code I} cells is
 * {@code [floor(i * I / O), ceil((i + 1) * I / O))}, in exact arithmetic; avg sums the bin in float32
 * in row-major order and divides by its height, then its width (PyTorch's CPU kernel); max scans in
 * row-major order and a value takes over when it is larger or NaN, so NaN wins and the last NaN's
 * index is kept, and ties keep the first.
 *
 * <p>{@link #FLOOR_END} and {@link #NAN_DROPPING_MAX} are deliberately broken copies, for testing the
 * harness itself: a harness that does not fail with them cannot be trusted to catch those bugs.
 */
public record Oracle(String name, boolean floorEnd, boolean dropNaN) {
    /** PyTorch's definition. */
    public static final Oracle PYTORCH = new Oracle("PyTorch's definition", false, false);
    /** Mutant: bin ends rounded down, {@code floor((i + 1) * I / O)}, instead of up. */
    public static final Oracle FLOOR_END = new Oracle("mutant: floor instead of ceil for bin ends", true, false);
    /** Mutant: a max that ignores NaN ({@code v > m} only, as fmax does). */
    public static final Oracle NAN_DROPPING_MAX = new Oracle("mutant: a max that drops NaN", false, true);

    /** Avg or max of a case: values, indices (max only), and per output cell what its bin held. */
    public record Result(long[] shape, float[] values, long[] indices, BinStats[] bins) {
    }

    /**
     * What one bin held, for comparing with sums in another order: its element count, the sum of
     * magnitudes (in double), and whether it had a NaN or an infinity.
     */
    public record BinStats(long count, double sumAbs, boolean nan, boolean infinite) {
    }

    static long start(long i, long out, long in) {
        return big(i).multiply(big(in)).divide(big(out)).longValueExact();
    }

    long end(long i, long out, long in) {
        BigInteger[] qr = big(i + 1).multiply(big(in)).divideAndRemainder(big(out));
        boolean roundUp = !floorEnd && qr[1].signum() != 0;
        return (roundUp ? qr[0].add(BigInteger.ONE) : qr[0]).longValueExact();
    }

    private static BigInteger big(long v) {
        return BigInteger.valueOf(v);
    }

    /** Pools {@code c}: average when {@code avg}, else max with indices. */
    public Result pool(FuzzCase c, boolean avg) {
        long h = c.h();
        long w = c.w();
        int oh = Math.toIntExact(c.outH());
        int ow = Math.toIntExact(c.outW());
        int planes = Math.toIntExact(c.planes());
        long[] hs = new long[oh];
        long[] he = new long[oh];
        long[] ws = new long[ow];
        long[] we = new long[ow];
        for (int i = 0; i < oh; i++) {
            hs[i] = start(i, oh, h);
            he[i] = end(i, oh, h);
        }
        for (int j = 0; j < ow; j++) {
            ws[j] = start(j, ow, w);
            we[j] = end(j, ow, w);
        }
        int n = planes * oh * ow;
        float[] values = new float[n];
        long[] indices = avg ? null : new long[n];
        BinStats[] stats = new BinStats[n];
        int o = 0;
        for (int p = 0; p < planes; p++) {
            int base = Math.toIntExact(p * h * w);
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++, o++) {
                    float sum = 0f;
                    float m = Float.NEGATIVE_INFINITY;
                    long mi = hs[i] * w + ws[j];
                    double sumAbs = 0;
                    boolean nan = false;
                    boolean inf = false;
                    for (long y = hs[i]; y < he[i]; y++) {
                        for (long x = ws[j]; x < we[j]; x++) {
                            float v = c.x()[base + (int) (y * w + x)];
                            sum += v;
                            if (v > m || (!dropNaN && Float.isNaN(v))) {
                                m = v;
                                mi = y * w + x;
                            }
                            nan |= Float.isNaN(v);
                            inf |= Float.isInfinite(v);
                            sumAbs += Float.isFinite(v) ? Math.abs(v) : 0;
                        }
                    }
                    values[o] = avg ? sum / (float) (he[i] - hs[i]) / (float) (we[j] - ws[j]) : m;
                    if (!avg) {
                        indices[o] = mi;
                    }
                    stats[o] = new BinStats((he[i] - hs[i]) * (we[j] - ws[j]), sumAbs, nan, inf);
                }
            }
        }
        return new Result(c.outputShape(), values, indices, stats);
    }

    @Override
    public String toString() {
        return name;
    }
}
