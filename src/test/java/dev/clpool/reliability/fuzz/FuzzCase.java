package dev.clpool.reliability.fuzz;

import dev.clpool.op.OutputSize;
import dev.clpool.tensor.Shape;
import java.util.Arrays;
import java.util.Random;

/**
 * One generated pooling: a (C, H, W) or (N, C, H, W) input, an output size (each axis None, 0, 1, the
 * input's size, smaller (often not dividing it) or larger), and data of one {@link Fill}. Generated
 * from a {@link Random}, so a seed replays the same cases.
 *
 * @param number the try, from 0
 */
public record FuzzCase(int number, long[] shape, Long oh, Long ow, Fill fill, float[] x) {

    /** What the data is made of. */
    public enum Fill {
        /** Gaussian values. */
        NORMAL,
        /** Gaussian values with NaN (quiet and signalling payloads, either sign), +-inf, +-0 and subnormals mixed in. */
        SPECIAL,
        /** A few small values (and +-0), so that bins have ties. */
        TIES,
        /** Magnitudes near Float.MAX_VALUE, so that sums overflow and cancel. */
        LARGE,
        /** Only subnormals and zeros: sums and quotients stay subnormal. */
        SUBNORMAL,
        /** Mostly NaN, with a few numbers and infinities. */
        NAN_HEAVY,
        /** Only -inf (max: the bin's first index; avg: -inf). */
        ALL_NEG_INF,
        /** Every kind above, element by element. */
        MIXED
    }

    static final float[] NANS = {Float.NaN, Float.intBitsToFloat(0xffc00001), Float.intBitsToFloat(0x7f800001),
        Float.intBitsToFloat(0x7fbfffff), Float.intBitsToFloat(0xff812345)};
    static final float[] SPECIALS = {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, Float.MIN_VALUE,
        -Float.MIN_VALUE, Float.MIN_NORMAL, -Float.MIN_NORMAL / 3, Float.MIN_NORMAL / 1024, 16777217f, -1e-30f};

    /** The next case from {@code r}. */
    public static FuzzCase random(Random r, int number) {
        boolean batched = r.nextInt(10) < 7;
        long n = r.nextInt(40) == 0 ? 0 : 1 + r.nextInt(3);
        long c = 1 + r.nextInt(4);
        long h = dim(r);
        long w = dim(r);
        long[] shape = batched ? new long[] {n, c, h, w} : new long[] {c, h, w};
        Fill fill = Fill.values()[r.nextInt(Fill.values().length)];
        float[] x = new float[Math.toIntExact(Shape.of(shape).elementCount())];
        for (int i = 0; i < x.length; i++) {
            x[i] = value(r, fill == Fill.MIXED ? Fill.values()[r.nextInt(Fill.values().length - 1)] : fill);
        }
        return new FuzzCase(number, shape, axis(r, h), axis(r, w), fill, x);
    }

    private static long dim(Random r) {
        int pick = r.nextInt(100);
        if (pick < 8) {
            return 1;
        }
        if (pick < 65) {
            return 2 + r.nextInt(9);
        }
        if (pick < 92) {
            return 11 + r.nextInt(20);
        }
        return 31 + r.nextInt(34);
    }

    /** An output size for an axis of {@code in}: None, 0, 1, the same, smaller or larger. */
    private static Long axis(Random r, long in) {
        int pick = r.nextInt(100);
        if (pick < 10) {
            return null;
        }
        if (pick < 13) {
            return 0L;
        }
        if (pick < 22) {
            return 1L;
        }
        if (pick < 32) {
            return in;
        }
        if (pick < 55) {
            return in + 1 + r.nextInt(r.nextBoolean() ? 9 : (int) (2 * in));
        }
        return 1 + (long) r.nextInt((int) in); // smaller, most often not a divisor
    }

    static float value(Random r, Fill fill) {
        return switch (fill) {
            case NORMAL -> (float) r.nextGaussian() * 4;
            case SPECIAL -> switch (r.nextInt(6)) {
                case 0 -> NANS[r.nextInt(NANS.length)];
                case 1, 2 -> SPECIALS[r.nextInt(SPECIALS.length)];
                default -> (float) r.nextGaussian();
            };
            case TIES -> (r.nextInt(5) - 2) * 0.5f + (r.nextBoolean() ? 0f : -0f);
            case LARGE -> (r.nextBoolean() ? 1 : -1) * Float.MAX_VALUE * (0.25f + 0.75f * r.nextFloat());
            case SUBNORMAL -> r.nextInt(8) == 0 ? (r.nextBoolean() ? 0f : -0f)
                    : Float.intBitsToFloat(1 + r.nextInt(0x007fffff)) * (r.nextBoolean() ? 1 : -1);
            case NAN_HEAVY -> r.nextInt(4) != 0 ? NANS[r.nextInt(NANS.length)]
                    : r.nextBoolean() ? SPECIALS[r.nextInt(2)] : (float) r.nextGaussian();
            case ALL_NEG_INF -> Float.NEGATIVE_INFINITY;
            case MIXED -> throw new IllegalArgumentException("MIXED picks another fill per element");
        };
    }

    public boolean batched() {
        return shape.length == 4;
    }

    public long h() {
        return shape[shape.length - 2];
    }

    public long w() {
        return shape[shape.length - 1];
    }

    /** The output height, None resolved. */
    public long outH() {
        return oh == null ? h() : oh;
    }

    /** The output width, None resolved. */
    public long outW() {
        return ow == null ? w() : ow;
    }

    public OutputSize outputSize() {
        return OutputSize.ofNullable(oh, ow);
    }

    /** The number of (H, W) planes. */
    public long planes() {
        return Shape.of(shape).product(0, shape.length - 2);
    }

    /** The output shape: the input's leading dimensions, then the resolved output size. */
    public long[] outputShape() {
        long[] out = shape.clone();
        out[out.length - 2] = outH();
        out[out.length - 1] = outW();
        return out;
    }

    @Override
    public String toString() {
        return "try " + number + ": input " + Arrays.toString(shape) + ", output size " + outputSize() + " (resolved "
                + outH() + "x" + outW() + "), " + fill + " data";
    }
}
