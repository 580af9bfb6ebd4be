package dev.clpool.opencl;

/** {@code copy.cl}: identity plans (output size = input size) on any device and layout, at memory speed. */
final class CopyKernel extends PoolKernel {
    CopyKernel() {
        super("copy");
    }

    @Override
    String unsupported(PoolQuery q) {
        return q.plan().isIdentity() ? null : "it copies, and the output size is not the input's";
    }

    @Override
    int priority(PoolQuery q) {
        return 100;
    }

    @Override
    void launch(PoolQuery q, KernelCall call) {
        Spread.of(q.planes() * q.plan().inputPlaneSize(), q.device(), q.tuning()).launch(call.arg(q.channels()), q.tuning());
    }
}
