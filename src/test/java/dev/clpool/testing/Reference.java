package dev.clpool.testing;

import java.math.BigInteger;

/**
 * PyTorch's adaptive-pooling bins written from the definition (floor/ceil of exact rationals, in
 * {@link BigInteger}), independent of {@code dev.clpool.plan.AxisBins}, so that tests do not check the
 * planner against itself.
 */
public final class Reference {
    private Reference() {
    }

    /** {@code floor(i * I / O)}, exactly. */
    public static long start(long i, long outputSize, long inputSize) {
        return big(i).multiply(big(inputSize)).divide(big(outputSize)).longValueExact();
    }

    /** {@code ceil((i + 1) * I / O)}, exactly. */
    public static long end(long i, long outputSize, long inputSize) {
        BigInteger[] qr = big(i).add(BigInteger.ONE).multiply(big(inputSize)).divideAndRemainder(big(outputSize));
        return (qr[1].signum() == 0 ? qr[0] : qr[0].add(BigInteger.ONE)).longValueExact();
    }

    private static BigInteger big(long v) {
        return BigInteger.valueOf(v);
    }

    /**
     * The index PyTorch's max pooling gives a bin whose maximum is {@code max}, found from the input
     * alone: the last NaN when {@code max} is NaN, else the first element equal to {@code max}
     * (ties keep the first; -0 and +0 are equal, so the first zero). -1 when no element matches.
     *
     * @param plane the input plane, {@code h * W + w}
     */
    public static long maxIndex(float[] plane, int planeBase, long width, long h0, long h1, long w0, long w1, float max) {
        long found = -1;
        for (long h = h0; h < h1; h++) {
            for (long w = w0; w < w1; w++) {
                float v = plane[planeBase + (int) (h * width + w)];
                if (Float.isNaN(max)) {
                    if (Float.isNaN(v)) {
                        found = h * width + w;
                    }
                } else if (v == max) {
                    return h * width + w;
                }
            }
        }
        return found;
    }
}
