package dev.clpool.plan;

import java.math.BigInteger;

/**
 * The bins of one axis: output cell {@code i} of {@code outputSize} covers input cells
 * {@code [start(i), end(i))} of {@code inputSize}, with PyTorch's integer formulas
 * ({@code aten/src/ATen/native/AdaptivePooling.h}): {@code start = floor(i * I / O)},
 * {@code end = ceil((i + 1) * I / O)}. Neighbouring bins overlap when {@code I % O != 0}.
 *
 * <p>Arithmetic is exact in 64 bits: where {@code i * I} would overflow, it is redone in
 * {@link BigInteger}, so bins stay right for any sizes a tensor can have.
 */
public final class AxisBins {
    private final long inputSize;
    private final long outputSize;

    public AxisBins(long inputSize, long outputSize) {
        if (inputSize < 0 || outputSize < 0) {
            throw new IllegalArgumentException("axis sizes must be >= 0: input " + inputSize + ", output " + outputSize);
        }
        this.inputSize = inputSize;
        this.outputSize = outputSize;
    }

    /** {@code floor(i * I / O)}, written as PyTorch writes it so that {@code i * I} is never formed. */
    public static long start(long i, long outputSize, long inputSize) {
        long rem;
        try {
            rem = Math.multiplyExact(i % outputSize, inputSize) / outputSize;
        } catch (ArithmeticException overflow) {
            rem = exactQuotient(i % outputSize, inputSize, 0, outputSize);
        }
        return (i / outputSize) * inputSize + rem;
    }

    /** {@code ceil((i + 1) * I / O)} = {@code 1 + ((i + 1) * I - 1) / O}. */
    public static long end(long i, long outputSize, long inputSize) {
        try {
            return 1 + (Math.multiplyExact(i + 1, inputSize) - 1) / outputSize;
        } catch (ArithmeticException overflow) {
            return 1 + exactQuotient(i + 1, inputSize, -1, outputSize);
        }
    }

    /** {@code (a * b + c) / d}, exactly. */
    private static long exactQuotient(long a, long b, long c, long d) {
        return BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).add(BigInteger.valueOf(c))
                .divide(BigInteger.valueOf(d)).longValueExact();
    }

    public long inputSize() {
        return inputSize;
    }

    public long outputSize() {
        return outputSize;
    }

    public long start(long i) {
        return start(i, outputSize, inputSize);
    }

    public long end(long i) {
        return end(i, outputSize, inputSize);
    }

    /** The fewest input cells a bin of this axis has (0 for an axis without output cells). */
    public long minBinLength() {
        long min = outputSize == 0 ? 0 : Long.MAX_VALUE;
        for (long i = 0; i < outputSize; i++) {
            min = Math.min(min, end(i) - start(i));
        }
        return min;
    }

    /** True when each output cell is exactly one input cell: pooling is a copy along this axis. */
    public boolean isIdentity() {
        return inputSize == outputSize;
    }

    /** All starts, for the host tables that kernels read. */
    public long[] starts() {
        long[] s = new long[Math.toIntExact(outputSize)];
        for (int i = 0; i < s.length; i++) {
            s[i] = start(i);
        }
        return s;
    }

    /** All ends, for the host tables that kernels read. */
    public long[] ends() {
        long[] e = new long[Math.toIntExact(outputSize)];
        for (int i = 0; i < e.length; i++) {
            e[i] = end(i);
        }
        return e;
    }

    @Override
    public String toString() {
        return inputSize + "->" + outputSize;
    }
}
