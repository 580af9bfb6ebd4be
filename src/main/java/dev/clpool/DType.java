package dev.clpool;

/** Element types of a {@link Tensor}, named as NumPy and PyTorch name them. */
public enum DType {
    FLOAT32("float32", 4),
    INT64("int64", 8);

    private final String numpyName;
    private final int byteSize;

    DType(String numpyName, int byteSize) {
        this.numpyName = numpyName;
        this.byteSize = byteSize;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    @Override
    public String toString() {
        return numpyName;
    }
}
