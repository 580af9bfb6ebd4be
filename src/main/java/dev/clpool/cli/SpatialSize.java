package dev.clpool.cli;

/** The height and width of an input plane, as {@code plan --input-size H,W} takes them. */
record SpatialSize(long height, long width) {
    SpatialSize {
        if (height < 1 || width < 1 || height > Integer.MAX_VALUE || width > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("input size " + height + "," + width + ": both sizes must be from 1 to "
                    + Integer.MAX_VALUE + " (what a Java array holds)");
        }
    }

    long[] toArray() {
        return new long[] {height, width};
    }

    @Override
    public String toString() {
        return height + "x" + width;
    }
}
