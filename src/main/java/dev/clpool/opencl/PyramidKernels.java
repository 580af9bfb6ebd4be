package dev.clpool.opencl;

import dev.clpool.op.PoolMode;
import dev.clpool.plan.Chunks;
import dev.clpool.plan.PoolPlan;
import dev.clpool.tensor.Tensor;
import dev.clpool.plan.PyramidPlan;
import java.util.ArrayList;
import java.util.List;
import org.jocl.CL;
import org.jocl.Pointer;

/**
 * Pyramid pooling on an OpenCL device, by one of three methods ({@link Method}): on GPUs, where a plane
 * fits in a work-group's local memory, {@code pyramid_pool.cl}'s staged kernel stages each group of
 * planes once and computes every level from it; on CPU devices its plane-run kernel pools each plane
 * to every level while the plane is in the core's cache; either way the input is read from device
 * memory once. Where a GPU's plane does not fit in local memory, each level runs as a pooling of its
 * own ({@link PoolKernels}' choice for it), reading the input once per level. Host tensors go through
 * in chunks of whole planes so that no buffer exceeds the device's largest allocation.
 */
final class PyramidKernels {
    /** The most work-items one launch covers, so that sizes stay within 32 bits. */
    private static final long MAX_LAUNCH = 1L << 30;
    /** Bytes of local memory per staged element: acc_t, float for float32 storage. */
    static final int STAGED_BYTES = Float.BYTES;

    private PyramidKernels() {
    }

    /**
     * How the staged kernel splits a pyramid: {@code planesPerGroup} planes per work-group,
     * {@code localSize} work-items, {@code tileElements} staged elements (padded).
     */
    record Staging(long planesPerGroup, int localSize, long tileElements) {
    }

    /**
     * The staging for {@code planes} planes of a pyramid, or null when one plane does not fit in the
     * local memory a group may take (the tiled kernel's tuning for this plane size) or has 2^31 cells.
     */
    static Staging staging(PyramidPlan plan, long planes, DeviceInfo device, OpenClOptions.Tiling preferred) {
        long planeCells = plan.inputPlaneSize();
        if (planeCells > Integer.MAX_VALUE / 2 || planes == 0) {
            return null;
        }
        OpenClOptions.Tiling tiling = preferred.forPlanes(planeCells * STAGED_BYTES, plan.outputPlaneSizes());
        long bytes = Math.min(tiling.planeTileBytes(), device.localMemoryBytes() - 1024);
        if (padded(planeCells) * STAGED_BYTES > bytes) {
            return null;
        }
        long g = Math.max(1, Math.min(planes, bytes / STAGED_BYTES / (planeCells + planeCells / 32 + 1)));
        while (g > 1 && padded(g * planeCells) * STAGED_BYTES > bytes) {
            g--;
        }
        return new Staging(g, tiling.localSize(), padded(g * planeCells));
    }

    /** Elements of local memory for a span of {@code n}: the kernel's PAD leaves one spare every 32. */
    private static long padded(long n) {
        return n + n / 32 + 1;
    }

    /** How a pyramid runs on a device. */
    enum Method {
        /** {@code pyramid_*}: a work-group's planes staged in local memory once, every level computed from there. */
        STAGED("pyramid-staged"),
        /** {@code pyramid_planes_*}: a work-item's planes one by one, each to every level while it is in cache. */
        PLANES("pyramid-planes"),
        /** Each level a pooling of its own, reading the input again. */
        LEVELS("levels");

        final String label;

        Method(String label) {
            this.label = label;
        }
    }

    /**
     * The method for {@code planes} planes of {@code plan}. The kernel preference applies: {@code tiled}
     * asks for the staged kernel (which stages planes as the tiled kernel does), {@code planes} for the
     * plane-run kernel, {@code cell} and {@code copy} for levels pooled one by one with that kernel;
     * automatically, CPU devices run the plane-run kernel and GPUs the staged one where a plane fits.
     */
    static Method method(PyramidPlan plan, long planes, DeviceInfo device, OpenClOptions options) {
        boolean stages = staging(plan, planes, device, options.tiling()) != null;
        return switch (options.kernel()) {
            case TILED -> stages ? Method.STAGED : Method.LEVELS;
            case PLANES -> Method.PLANES;
            case CELL, COPY -> Method.LEVELS;
            default -> !device.isGpu() ? Method.PLANES : stages ? Method.STAGED : Method.LEVELS;
        };
    }

    /**
     * Computes a pyramid from host to host on session {@code s}; levels without output elements are left
     * alone; buffers hold at most {@code maxAllocationBytes} each.
     */
    static void run(DeviceSession s, PyramidPlan plan, Tensor input, List<Tensor> values, List<Tensor> indices,
                    DeviceInfo device, OpenClOptions options, long maxAllocationBytes) {
        List<Integer> live = new ArrayList<>();
        for (int l = 0; l < plan.levels().size(); l++) {
            if (!plan.levels().get(l).isEmpty()) {
                live.add(l);
            }
        }
        long inPlane = plan.inputPlaneSize();
        long outPlanes = 0;
        for (int l : live) {
            outPlanes += plan.levels().get(l).outputPlaneSize();
        }
        boolean withIndices = indices != null;
        Chunks chunks = Chunks.of(plan.planes(), Math.max(inPlane * Float.BYTES, outPlanes * (withIndices ? Long.BYTES : Float.BYTES)),
                maxAllocationBytes, "input", "plane and its levels", plan.inputShape());
        Method method = method(plan, chunks.perChunk(), device, options);
        for (long k = 0; k < chunks.count(); k++) {
            Chunks.Chunk c = chunks.get(k);
            try (BufferPool.Lease in = s.buffers.acquire(c.count() * inPlane * Float.BYTES)) {
                s.transfers.write(in.buffer, 0, HostRegion.of(input, c.first() * inPlane, c.count() * inPlane));
                if (method == Method.LEVELS) {
                    levelByLevel(s, plan, live, c.first(), c.count(), in.buffer, values, indices);
                } else {
                    onePass(s, method, plan, live, c.first(), c.count(), in.buffer, values, indices, device, options);
                }
            }
        }
    }

    /**
     * One pass of the staged or plane-run kernel over planes [p0, p0 + n): every level into one buffer
     * (level after level, each its planes in order), then read out per level.
     */
    private static void onePass(DeviceSession s, Method method, PyramidPlan plan, List<Integer> live, long p0, long n,
                                ClBuffer in, List<Tensor> values, List<Tensor> indices, DeviceInfo device, OpenClOptions options) {
        long[] levelTable = new long[5 * live.size()];
        List<long[]> binTables = new ArrayList<>();
        long binsAt = 0;
        long outAt = 0;
        long cellsPerPlane = 0;
        for (int k = 0; k < live.size(); k++) {
            PoolPlan level = plan.levels().get(live.get(k));
            long[] bins = level.binTable();
            binTables.add(bins);
            levelTable[5 * k] = level.depth().outputSize();
            levelTable[5 * k + 1] = level.height().outputSize();
            levelTable[5 * k + 2] = level.width().outputSize();
            levelTable[5 * k + 3] = binsAt;
            levelTable[5 * k + 4] = outAt;
            binsAt += bins.length;
            outAt += n * level.outputPlaneSize();
            cellsPerPlane += level.outputPlaneSize();
        }
        long[] allBins = new long[Math.toIntExact(binsAt)];
        int at = 0;
        for (long[] b : binTables) {
            System.arraycopy(b, 0, allBins, at, b.length);
            at += b.length;
        }
        boolean max = plan.op().mode() == PoolMode.MAX;
        String family = method == Method.STAGED ? "pyramid" : "pyramid_planes";
        String name = family + (!max ? "_avg" : indices == null ? "_max" : "_max_indices");
        PoolPlan first = plan.levels().get(0);
        try (ClBuffer bins = s.table(allBins, "pyramid bin table");
             ClBuffer levels = s.table(levelTable, "pyramid level table");
             BufferPool.Lease out = s.buffers.acquire(outAt * Float.BYTES);
             BufferPool.Lease idx = indices == null ? null : s.buffers.acquire(outAt * Long.BYTES);
             ClKernel k = s.program().kernel(name)) {
            if (method == Method.STAGED) {
                launchStaged(s, k, plan, n, in, bins, levels, live.size(), cellsPerPlane, out.buffer, idx, device, options);
            } else {
                launchPlanes(s, k, first, n, in, bins, levels, live.size(), out.buffer, idx, device);
            }
            for (int j = 0; j < live.size(); j++) {
                int l = live.get(j);
                long outPlane = plan.levels().get(l).outputPlaneSize();
                long offset = levelTable[5 * j + 4];
                s.transfers.read(out.buffer, offset * Float.BYTES, HostRegion.of(values.get(l), p0 * outPlane, n * outPlane));
                if (idx != null) {
                    s.transfers.read(idx.buffer, offset * Long.BYTES, HostRegion.of(indices.get(l), p0 * outPlane, n * outPlane));
                }
            }
        }
    }

    private static void launchStaged(DeviceSession s, ClKernel k, PyramidPlan plan, long n, ClBuffer in, ClBuffer bins,
                                     ClBuffer levels, int levelCount, long cellsPerPlane, ClBuffer out, BufferPool.Lease idx,
                                     DeviceInfo device, OpenClOptions options) {
        Staging st = staging(plan, n, device, options.tiling());
        PoolPlan first = plan.levels().get(0);
        k.arg(0, in).arg(1, bins).arg(2, levels).arg(3, levelCount).arg(4, cellsPerPlane)
                .arg(5, first.depth().inputSize()).arg(6, first.height().inputSize()).arg(7, first.width().inputSize())
                .arg(8, n).arg(9, st.planesPerGroup())
                .local(11, st.tileElements() * STAGED_BYTES)
                .arg(12, out);
        if (idx != null) {
            k.arg(13, idx.buffer);
        }
        long groups = (n + st.planesPerGroup() - 1) / st.planesPerGroup();
        long maxGroups = MAX_LAUNCH / st.localSize();
        for (long g0 = 0; g0 < groups; g0 += maxGroups) {
            long count = Math.min(maxGroups, groups - g0);
            try (ClEvent e = k.arg(10, g0).launch(s.queue, count * st.localSize(), st.localSize())) {
                e.await();
            }
        }
    }

    /** A few runs of whole planes per compute unit, for balance, one work-item each. */
    private static void launchPlanes(DeviceSession s, ClKernel k, PoolPlan first, long n, ClBuffer in, ClBuffer bins,
                                     ClBuffer levels, int levelCount, ClBuffer out, BufferPool.Lease idx, DeviceInfo device) {
        long runs = Math.max(1, Math.min(n, 4L * device.computeUnits()));
        long chunk = (n + runs - 1) / runs;
        long workItems = (n + chunk - 1) / chunk;
        k.arg(0, in).arg(1, bins).arg(2, levels).arg(3, levelCount)
                .arg(4, first.depth().inputSize()).arg(5, first.height().inputSize()).arg(6, first.width().inputSize())
                .arg(7, n).arg(8, chunk).arg(9, out);
        if (idx != null) {
            k.arg(10, idx.buffer);
        }
        try (ClEvent e = k.launch(s.queue, workItems, 1)) {
            e.await();
        }
    }

    /** Planes too large to stage: each level as a pooling of its own, reading the input again. */
    private static void levelByLevel(DeviceSession s, PyramidPlan plan, List<Integer> live, long p0, long n, ClBuffer in,
                                     List<Tensor> values, List<Tensor> indices) {
        for (int l : live) {
            PoolPlan level = plan.levels().get(l);
            long outPlane = level.outputPlaneSize();
            try (ClBuffer bins = s.binTable(level);
                 BufferPool.Lease out = s.buffers.acquire(n * outPlane * Float.BYTES);
                 BufferPool.Lease idx = indices == null ? null : s.buffers.acquire(n * outPlane * Long.BYTES)) {
                s.kernels.run(level, n, in, bins, out.buffer, idx == null ? null : idx.buffer);
                s.transfers.read(out.buffer, 0, HostRegion.of(values.get(l), p0 * outPlane, n * outPlane));
                if (idx != null) {
                    s.transfers.read(idx.buffer, 0, HostRegion.of(indices.get(l), p0 * outPlane, n * outPlane));
                }
            }
        }
    }

}
