package dev.clpool.opencl;

/** {@code cell.cl}: the reference kernel, one work-item per output element; any plan and layout on any device. */
final class CellKernel extends PoolKernel {
    CellKernel() {
        super("cell");
    }

    @Override
    String unsupported(PoolQuery q) {
        return null;
    }

    @Override
    int priority(PoolQuery q) {
        return 0;
    }

    @Override
    void launch(PoolQuery q, KernelCall call) {
        Spread.of(q.planes() * q.plan().outputPlaneSize(), q.device(), q.tuning()).launch(call.arg(q.channels()), q.tuning());
    }
}
