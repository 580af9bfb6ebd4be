package dev.clpool.cpu;

/**
 * A plan's loops over whole planes in C order, in one precision ({@code float[]} or {@code double[]}):
 * planes {@code [p, last)} of {@code in}, plane {@code p} at element {@code p * inputPlaneSize}, into the
 * same planes of {@code out} and, when not {@code null}, {@code indices}.
 */
interface Loops<A> {
    void run(A in, A out, long[] indices, int p, int last);

    /** The variant these loops run, as the DEBUG launch lines and {@code kernelFor} name it. */
    String name();
}
