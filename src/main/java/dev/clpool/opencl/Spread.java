package dev.clpool.opencl;

/**
 * How a kernel that takes items one by one (cell, copy, channels_last_blocks, backward_gather) spreads
 * {@code count} items over just enough work-items to fill the device: work-item g takes items g * chunk,
 * + step, ... below min(count, g * chunk + span). Interleaved on GPUs (chunk 1, step = the global size), so
 * that neighbours touch neighbours; in runs on CPUs (chunk = span = a run, step 1), so that each core
 * streams through memory.
 */
record Spread(long count, long workItems, long chunk, long span, long step) {

    static Spread of(long count, DeviceInfo device, Tuning tuning) {
        long local = tuning.localSize();
        long full = device.computeUnits() * (device.isGpu() ? tuning.gpuWorkItemsPerComputeUnit()
                : tuning.cpuGroupsPerComputeUnit() * local);
        long workItems = Math.max(local, Math.min((count + local - 1) / local * local, full));
        if (device.isGpu()) {
            return new Spread(count, workItems, 1, count, workItems);
        }
        long run = (count + workItems - 1) / workItems;
        return new Spread(count, workItems, run, run, 1);
    }

    /** Sets count, chunk, span and step, in that order, and enqueues. */
    void launch(KernelCall call, Tuning tuning) {
        call.arg(count).arg(chunk).arg(span).arg(step).enqueue(workItems, tuning.localSize());
    }
}
