package dev.clpool.opencl;

import dev.clpool.plan.PoolPlan;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.Layout;

/**
 * What a pooling kernel is chosen for: a plan over a chunk of {@code planes} planes of one dtype and
 * layout on one device, with that device's tuning.
 */
record PoolQuery(PoolPlan plan, DType dtype, Layout layout, long planes, DeviceInfo device, Tuning tuning) {

    boolean channelsLast() {
        return layout == Layout.CHANNELS_LAST;
    }

    /** C for channels last (the kernels' C argument), 0 for planar tensors. */
    long channels() {
        return channelsLast() ? plan.inputShape().dim(1) : 0;
    }

    /** Bytes of the type sums and scans are done in, what a kernel stages in local memory per element. */
    int accumulatorBytes() {
        return StoragePrograms.accumulatorBytes(dtype);
    }

    /** The cells of the smallest bin. */
    long smallestBin() {
        return plan.depth().minBinLength() * plan.height().minBinLength() * plan.width().minBinLength();
    }

    /** Local memory a work-group may take: the device's, less what its compiler keeps there itself. */
    long localMemory() {
        return device.localMemoryBytes() - tuning.localMemoryMargin();
    }
}
