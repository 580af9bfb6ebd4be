package dev.clpool.opencl;

import dev.clpool.op.PoolMode;
import dev.clpool.plan.PoolPlan;
import java.util.ArrayList;
import java.util.List;

/**
 * Chooses a kernel for a plan and launches it over a range of planes. GPUs: the copy for identity
 * plans, the tiled kernel where bins hold several cells and a tile fits in local memory, else one
 * work-item per output cell. CPUs, whose work-items run one after another on a core: the copy, else
 * runs of whole planes (one work-item each) when there are enough planes to share out, else cells.
 */
final class PoolKernels {
    /** Work-items per group: a multiple of NVIDIA's warp (32) and AMD's wavefront (64). */
    static final int LOCAL_SIZE = 256;
    /** Channels per work-item step of the CPU channels-last kernel (NHWC_BLOCK in channels_last_pool.cl). */
    static final int NHWC_BLOCK = 16;
    /** The most work-items one tiled launch covers, so that sizes stay within 32 bits. */
    private static final long MAX_LAUNCH = 1L << 30;

    private final ClProgram program;
    private final ClQueue queue;
    private final DeviceInfo device;
    private final KernelChoice preference;
    private final OpenClOptions.Tiling tiling;
    /** Bytes of the program's acc_t: the tiled kernel's local memory is sized for float (4). */
    private final int accumulatorBytes;

    PoolKernels(ClProgram program, ClQueue queue, DeviceInfo device, OpenClOptions options) {
        this(program, queue, device, options, Float.BYTES);
    }

    PoolKernels(ClProgram program, ClQueue queue, DeviceInfo device, OpenClOptions options, int accumulatorBytes) {
        this.program = program;
        this.queue = queue;
        this.device = device;
        this.preference = options.kernel();
        this.tiling = options.tiling();
        this.accumulatorBytes = accumulatorBytes;
    }

    /** The kernel that will run {@code plan}: the preferred one where it can, else the automatic choice. */
    KernelChoice choose(PoolPlan plan) {
        boolean identity = plan.depth().isIdentity() && plan.height().isIdentity() && plan.width().isIdentity();
        boolean tiles = accumulatorBytes == Float.BYTES && TiledGeometry.of(plan, plan.planes(), device, tiling).isPresent();
        switch (preference) {
            case COPY:
                if (identity) {
                    return KernelChoice.COPY;
                }
                break;
            case TILED:
                if (tiles) {
                    return KernelChoice.TILED;
                }
                break;
            case CELL, PLANES:
                return preference;
            default:
                break;
        }
        if (identity) {
            return KernelChoice.COPY;
        }
        if (!device.isGpu()) {
            return plan.planes() >= 4L * device.computeUnits() ? KernelChoice.PLANES : KernelChoice.CELL;
        }
        // From the H200 sweep (BENCHMARKS.md): tiling pays where bins hold several cells, except for
        // max over planes too large to tile whole, where a work-item's serial scan of a large bin in
        // local memory loses to scanning it in global memory.
        long binCells = plan.inputPlaneSize() / Math.max(1, plan.outputPlaneSize());
        boolean wholePlanes = plan.inputPlaneSize() * Float.BYTES <= TiledGeometry.WHOLE_PLANE_BYTES;
        boolean tiledWins = plan.op().mode() == PoolMode.AVG || wholePlanes;
        return tiles && binCells >= 4 && tiledWins ? KernelChoice.TILED : KernelChoice.CELL;
    }

    /**
     * Pools {@code planes} planes from {@code in} into {@code out} (and {@code indices}, when not null),
     * waits for the device and returns its compute time in nanoseconds.
     */
    long run(PoolPlan plan, long planes, ClBuffer in, ClBuffer bins, ClBuffer out, ClBuffer indices) {
        return run(choose(plan), plan, planes, in, bins, out, indices);
    }

    /** As {@link #run(PoolPlan, long, ClBuffer, ClBuffer, ClBuffer, ClBuffer)} with a kernel that can run the plan. */
    long run(KernelChoice kernel, PoolPlan plan, long planes, ClBuffer in, ClBuffer bins, ClBuffer out, ClBuffer indices) {
        List<ClEvent> events = new ArrayList<>();
        try {
            switch (kernel) {
                case COPY -> copy(plan, planes, in, out, indices, events);
                case TILED -> tiled(plan, planes, in, bins, out, indices, events);
                case PLANES -> planeRuns(plan, planes, in, bins, out, indices, events);
                default -> cell(plan, planes, in, bins, out, indices, events);
            }
            return ClEvent.totalDeviceNanos(events);
        } finally {
            events.forEach(ClEvent::close);
        }
    }

    private void cell(PoolPlan plan, long planes, ClBuffer in, ClBuffer bins, ClBuffer out, ClBuffer indices,
                      List<ClEvent> events) {
        try (ClKernel k = program.kernel(kernelName("cell", plan, indices))) {
            k.arg(0, in).arg(1, bins)
                    .arg(2, plan.depth().inputSize()).arg(3, plan.height().inputSize()).arg(4, plan.width().inputSize())
                    .arg(5, plan.depth().outputSize()).arg(6, plan.height().outputSize()).arg(7, plan.width().outputSize());
            Spread spread = spread(planes * plan.outputPlaneSize());
            k.arg(8, spread.count()).arg(9, spread.chunk()).arg(10, spread.span()).arg(11, spread.step()).arg(12, out);
            if (indices != null) {
                k.arg(13, indices);
            }
            events.add(k.launch(queue, spread.workItems(), LOCAL_SIZE));
        }
    }

    private void tiled(PoolPlan plan, long planes, ClBuffer in, ClBuffer bins, ClBuffer out, ClBuffer indices,
                       List<ClEvent> events) {
        TiledGeometry g = TiledGeometry.of(plan, planes, device, tiling).orElseThrow();
        try (ClKernel k = program.kernel(kernelName("tiled", plan, indices))) {
            k.arg(0, in).arg(1, bins)
                    .arg(2, plan.height().inputSize()).arg(3, plan.width().inputSize())
                    .arg(4, plan.height().outputSize()).arg(5, plan.width().outputSize()).arg(6, planes)
                    .arg(7, g.planesPerTile()).arg(8, g.rowsPerTile())
                    .local(10, g.tileFloats() * Float.BYTES)
                    .arg(11, out);
            if (indices != null) {
                k.arg(12, indices);
            }
            long maxTiles = MAX_LAUNCH / g.localSize();
            for (long first = 0; first < g.tiles(); first += maxTiles) {
                long count = Math.min(maxTiles, g.tiles() - first);
                events.add(k.arg(9, first).launch(queue, count * g.localSize(), g.localSize()));
            }
        }
    }

    private void copy(PoolPlan plan, long planes, ClBuffer in, ClBuffer out, ClBuffer indices, List<ClEvent> events) {
        Spread spread = spread(planes * plan.inputPlaneSize());
        try (ClKernel k = program.kernel(kernelName("copy", plan, indices))) {
            k.arg(0, in).arg(1, out).arg(2, spread.count()).arg(3, spread.chunk()).arg(4, spread.span()).arg(5, spread.step());
            if (indices != null) {
                k.arg(6, indices).arg(7, plan.inputPlaneSize());
            }
            events.add(k.launch(queue, spread.workItems(), LOCAL_SIZE));
        }
    }

    /**
     * The kernel for a channels-last plan: the copy for identity plans without indices (a flat copy
     * whatever the layout), else the channels-last kernel (per element on GPUs or with a CELL
     * preference, per block of channels on CPUs).
     */
    KernelChoice chooseChannelsLast(PoolPlan plan, boolean withIndices) {
        boolean identity = plan.depth().isIdentity() && plan.height().isIdentity() && plan.width().isIdentity();
        return identity && !withIndices ? KernelChoice.COPY : KernelChoice.CHANNELS_LAST;
    }

    /**
     * Pools {@code batches} batch elements of a channels-last tensor (each {@code C} planes, channel
     * fastest) from {@code in} into {@code out} (and {@code indices}), waits and returns the device time.
     */
    long runChannelsLast(PoolPlan plan, long batches, ClBuffer in, ClBuffer bins, ClBuffer out, ClBuffer indices) {
        long channels = plan.inputShape().dim(1);
        List<ClEvent> events = new ArrayList<>();
        try {
            if (chooseChannelsLast(plan, indices != null) == KernelChoice.COPY) {
                copy(plan, batches * channels, in, out, null, events);
            } else {
                // GPUs (and a CELL preference): a work-item per output element, channel fastest (coalesced).
                // CPUs: a work-item per run of (cell, block of NHWC_BLOCK channels), whose inner loops
                // vectorize along channels: 5-10x faster on PoCL.
                boolean blocks = !device.isGpu() && preference != KernelChoice.CELL;
                long tasks = blocks ? (channels + NHWC_BLOCK - 1) / NHWC_BLOCK : channels;
                try (ClKernel k = program.kernel(kernelName(blocks ? "nhwc_block" : "nhwc", plan, indices))) {
                    k.arg(0, in).arg(1, bins).arg(2, channels)
                            .arg(3, plan.depth().inputSize()).arg(4, plan.height().inputSize()).arg(5, plan.width().inputSize())
                            .arg(6, plan.depth().outputSize()).arg(7, plan.height().outputSize()).arg(8, plan.width().outputSize());
                    Spread spread = spread(batches * tasks * plan.outputPlaneSize());
                    k.arg(9, spread.count()).arg(10, spread.chunk()).arg(11, spread.span()).arg(12, spread.step()).arg(13, out);
                    if (indices != null) {
                        k.arg(14, indices);
                    }
                    events.add(k.launch(queue, spread.workItems(), LOCAL_SIZE));
                }
            }
            return ClEvent.totalDeviceNanos(events);
        } finally {
            events.forEach(ClEvent::close);
        }
    }

    private static String kernelName(String family, PoolPlan plan, ClBuffer indices) {
        if (plan.op().mode() == PoolMode.AVG) {
            return family + "_avg";
        }
        return family + (indices == null ? "_max" : "_max_indices");
    }

    private void planeRuns(PoolPlan plan, long planes, ClBuffer in, ClBuffer bins, ClBuffer out, ClBuffer indices,
                           List<ClEvent> events) {
        // A few runs per core for balance, each a multiple of four planes for the side-by-side sums.
        long runs = Math.max(1, Math.min(planes / 4, 4L * device.computeUnits()));
        long chunk = roundUp((planes + runs - 1) / runs, 4);
        long workItems = (planes + chunk - 1) / chunk;
        try (ClKernel k = program.kernel(kernelName("plane", plan, indices))) {
            k.arg(0, in).arg(1, bins)
                    .arg(2, plan.depth().inputSize()).arg(3, plan.height().inputSize()).arg(4, plan.width().inputSize())
                    .arg(5, plan.depth().outputSize()).arg(6, plan.height().outputSize()).arg(7, plan.width().outputSize())
                    .arg(8, planes).arg(9, chunk).arg(10, out);
            if (indices != null) {
                k.arg(11, indices);
            }
            events.add(k.launch(queue, workItems, 1));
        }
    }

    /**
     * How a cell or copy kernel spreads {@code count} items over just enough work-items to fill the
     * device (GPUs keep up to 2048 work-items per compute unit in flight; a CPU runs a few groups per
     * core): interleaved on GPUs, so that neighbours touch neighbours; in runs on CPUs, so that each
     * core streams through memory. See cell_pool.cl.
     */
    record Spread(long count, long workItems, long chunk, long span, long step) {
    }

    Spread spread(long count) {
        long full = device.isGpu() ? device.computeUnits() * 2048L : device.computeUnits() * 4L * LOCAL_SIZE;
        long workItems = Math.min(roundUp(count, LOCAL_SIZE), full);
        if (device.isGpu()) {
            return new Spread(count, workItems, 1, count, workItems);
        }
        long run = (count + workItems - 1) / workItems;
        return new Spread(count, workItems, run, run, 1);
    }

    private static long roundUp(long n, long multiple) {
        return (n + multiple - 1) / multiple * multiple;
    }
}
