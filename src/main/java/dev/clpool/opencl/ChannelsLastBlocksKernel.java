package dev.clpool.opencl;

/** {@code channels_last.cl}: channels last on CPU devices, a work-item per (cell, block of NHWC_BLOCK channels). */
final class ChannelsLastBlocksKernel extends PoolKernel {
    ChannelsLastBlocksKernel() {
        super("channels_last_blocks");
    }

    @Override
    String unsupported(PoolQuery q) {
        return q.channelsLast() ? null : "it pools channels-last tensors";
    }

    /** CPUs: its inner loops run along contiguous channels and vectorize (5-10x the cell kernel on PoCL). */
    @Override
    int priority(PoolQuery q) {
        return q.device().isGpu() ? -1 : 50;
    }

    @Override
    void launch(PoolQuery q, KernelCall call) {
        long channels = q.channels();
        long batch = q.planes() / channels;
        long blocks = (channels + q.tuning().nhwcBlock() - 1) / q.tuning().nhwcBlock();
        Spread.of(batch * q.plan().outputPlaneSize() * blocks, q.device(), q.tuning()).launch(call.arg(channels), q.tuning());
    }
}
