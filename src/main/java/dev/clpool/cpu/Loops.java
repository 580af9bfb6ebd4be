package dev.clpool.cpu;

import dev.clpool.op.PoolMode;
import dev.clpool.plan.PoolPlan;

/**
 * A plan's loops over whole planes in C order, in one precision ({@code float[]} or {@code double[]}):
 * planes {@code [p, last)} of {@code in}, plane {@code p} at element {@code p * inPlane}, into the same
 * planes of {@code out} and, when not {@code null}, {@code indices}. Holds what every precision's loops
 * need of the plan: its bins per axis, plane sizes and mode.
 */
abstract class Loops<A> {
    final Bins d;
    final Bins h;
    final Bins w;
    final int inPlane;
    final int outPlane;
    final boolean avg;

    Loops(PoolPlan plan) {
        d = new Bins(plan.depth());
        h = new Bins(plan.height());
        w = new Bins(plan.width());
        inPlane = Math.toIntExact(plan.inputPlaneSize());
        outPlane = Math.toIntExact(plan.outputPlaneSize());
        avg = plan.op().mode() == PoolMode.AVG;
    }

    abstract void run(A in, A out, long[] indices, int p, int last);

    /** The variant these loops run, as the DEBUG launch lines and {@code kernelFor} name it. */
    abstract String name();
}
