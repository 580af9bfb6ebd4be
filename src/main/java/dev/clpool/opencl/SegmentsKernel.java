package dev.clpool.opencl;

/**
 * {@code segments.cl}: GPUs, planar 1-d to 3-d, SEG_CELLS output cells per work-group, bins staged in steps
 * of 32 elements transposed in local memory, each cell's sum or scan in a register (PERFORMANCE.md's
 * segment-transpose design: coalesced loads, many loads in flight, no bank conflicts).
 */
final class SegmentsKernel extends PoolKernel {
    /** The most work-groups one launch covers, so that sizes stay within 32 bits. */
    private static final long MAX_GROUPS = 1L << 22;
    /** Elements a step takes of every bin: SEG_STEP in segments.cl. */
    private static final int STEP = 32;

    SegmentsKernel() {
        super("segments");
    }

    /** Local memory a work-group takes: the transposed tile and four words of description per cell. */
    static long localBytes(PoolQuery q) {
        long cells = q.tuning().segmentCells();
        return STEP * (cells + 1) * q.accumulatorBytes() + cells * (Long.BYTES + 3 * Integer.BYTES) + Integer.BYTES;
    }

    @Override
    String unsupported(PoolQuery q) {
        if (q.channelsLast()) {
            return "it pools planar (contiguous) tensors";
        }
        if (q.plan().inputPlaneSize() > Integer.MAX_VALUE) {
            return "a plane has 2^31 cells or more";
        }
        if (localBytes(q) > q.localMemory() || q.tuning().segmentCells() > q.device().maxWorkGroupSize()) {
            return "its work-group of " + q.tuning().segmentCells() + " and " + localBytes(q)
                    + " bytes of local memory do not fit the device";
        }
        return null;
    }

    /** GPUs, where the smallest bin fills half a step or more. */
    @Override
    int priority(PoolQuery q) {
        return q.device().isGpu() && q.smallestBin() >= q.tuning().segmentMinBinCells() ? 60 : -1;
    }

    @Override
    void launch(PoolQuery q, KernelCall call) {
        int cells = q.tuning().segmentCells();
        long groups = (q.planes() * q.plan().outputPlaneSize() + cells - 1) / cells;
        int firstGroup = call.nextIndex();
        call.arg(0);
        for (long first = 0; first < groups; first += MAX_GROUPS) {
            long count = Math.min(MAX_GROUPS, groups - first);
            call.set(firstGroup, first).enqueue(count * cells, cells);
        }
    }
}
