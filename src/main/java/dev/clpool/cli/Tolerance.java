package dev.clpool.cli;

/**
 * When an average counts as equal to its reference: {@code |actual - reference| <= atol + rtol * |reference|},
 * NaN equal to NaN, infinities equal only to themselves ({@code torch.testing.assert_close}'s rule).
 */
record Tolerance(double atol, double rtol) {
    /** PyTorch's defaults for float32. */
    static final Tolerance FLOAT32 = new Tolerance(1e-5, 1.3e-6);

    Tolerance {
        if (!(atol >= 0) || !(rtol >= 0) || Double.isInfinite(atol) || Double.isInfinite(rtol)) {
            throw new IllegalArgumentException("tolerances must be finite and >= 0, got atol " + atol + ", rtol " + rtol);
        }
    }

    boolean accepts(float reference, float actual) {
        if (Float.isNaN(reference) || Float.isNaN(actual)) {
            return Float.isNaN(reference) && Float.isNaN(actual);
        }
        if (Float.isInfinite(reference) || Float.isInfinite(actual)) {
            return reference == actual;
        }
        return Math.abs((double) actual - reference) <= atol + rtol * Math.abs((double) reference);
    }

    @Override
    public String toString() {
        return "atol " + compact(atol) + " + rtol " + compact(rtol) + " * |reference|";
    }

    /** {@code 1e-5}, {@code 1.3e-6}, {@code 0.5}: as short as the value allows. */
    static String compact(double d) {
        return Double.toString(d).replace(".0E", "e").replace("E", "e").replaceAll("\\.0$", "");
    }
}
