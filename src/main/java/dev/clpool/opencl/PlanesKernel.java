package dev.clpool.opencl;

import dev.clpool.plan.Runs;

/** {@code planes.cl}: CPU devices, a work-item per run of whole planes, PLANES_SIDE of them side by side. */
final class PlanesKernel extends PoolKernel {
    PlanesKernel() {
        super("planes");
    }

    @Override
    String unsupported(PoolQuery q) {
        return q.channelsLast() ? "it pools planar (contiguous) tensors" : null;
    }

    /** CPUs, where there are planes enough to give every core several runs. */
    @Override
    int priority(PoolQuery q) {
        boolean enough = q.planes() >= q.tuning().planesPerComputeUnit() * q.device().computeUnits();
        return !q.device().isGpu() && enough ? 50 : -1;
    }

    @Override
    void launch(PoolQuery q, KernelCall call) {
        Runs runs = runs(q.planes(), q.device(), q.tuning());
        call.arg(runs.length()).enqueue(runs.count(), 1);
    }

    /** A few runs per compute unit for balance, each a multiple of PLANES_SIDE planes. */
    static Runs runs(long planes, DeviceInfo device, Tuning tuning) {
        return Runs.of(planes, tuning.runsPerComputeUnit() * device.computeUnits(), tuning.planesSide());
    }
}
