package dev.clpool.opencl;

import dev.clpool.plan.Chunks;
import dev.clpool.plan.PoolPlan;
import dev.clpool.plan.PyramidPlan;
import dev.clpool.plan.Runs;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Pyramid pooling on an OpenCL device, by the most preferred of three methods that can run it (or the
 * one {@code clpool.kernel} names): on GPUs, where a plane fits in a work-group's local memory,
 * {@code pyramid_staged} stages each group of planes once and computes every level from it; on CPU devices
 * {@code pyramid_planes} pools each run of planes to every level while the planes are in the core's cache;
 * either way the input is read from device memory once. Otherwise {@code pyramid_levels} runs each level
 * as a pooling of its own (the pooling registry's choice for it), reading the input once per level.
 */
final class PyramidKernels {
    /** The most work-items one launch covers, so that sizes stay within 32 bits. */
    private static final long MAX_LAUNCH = 1L << 30;
    /** Bytes of local memory per staged element: acc_t, float for float32 storage. */
    private static final int STAGED_BYTES = Float.BYTES;

    /** How a pyramid runs on a device: the pyramid registry's entries. */
    enum Method {
        STAGED("pyramid_staged"),
        PLANES("pyramid_planes"),
        LEVELS("pyramid_levels");

        final String label;

        Method(String label) {
            this.label = label;
        }

        String unsupported(PyramidPlan plan, long planes, DeviceInfo device, Tuning tuning) {
            return this == STAGED && staging(plan, planes, device, tuning) == null
                    ? "one plane does not fit in a work-group's local memory" : null;
        }

        int priority(DeviceInfo device) {
            return switch (this) {
                case STAGED -> device.isGpu() ? 50 : -1;
                case PLANES -> device.isGpu() ? -1 : 50;
                case LEVELS -> 0;
            };
        }
    }

    private PyramidKernels() {
    }

    /** The entry named {@code name}, if it is a pyramid method's. */
    static Method named(String name) {
        return Arrays.stream(Method.values()).filter(m -> m.label.equals(name)).findFirst().orElse(null);
    }

    /**
     * The method for {@code planes} planes of {@code plan}: {@code forced} where it names one, else the most
     * preferred that can run it.
     *
     * @throws IllegalArgumentException when the forced method cannot run the plan
     */
    static Method choose(PyramidPlan plan, long planes, DeviceInfo device, Tuning tuning, String forced) {
        Method m = named(forced);
        if (m != null) {
            String why = m.unsupported(plan, planes, device, tuning);
            if (why != null) {
                throw new IllegalArgumentException("kernel: clpool.kernel=" + forced + " cannot compute " + plan.op() + " of "
                        + plan.inputShape() + " on " + device.name() + ": " + why);
            }
            return m;
        }
        Method best = Method.LEVELS;
        for (Method c : Method.values()) {
            if (c.unsupported(plan, planes, device, tuning) == null && c.priority(device) > best.priority(device)) {
                best = c;
            }
        }
        return best;
    }

    /**
     * How the staged kernel splits a pyramid: {@code planesPerGroup} planes per work-group,
     * {@code localSize} work-items, {@code tileElements} staged elements (padded).
     */
    record Staging(long planesPerGroup, int localSize, long tileElements) {
    }

    /**
     * The staging for {@code planes} planes of a pyramid, or null when one plane does not fit in the local
     * memory a group may take (the tiled kernel's tuning for this plane size) or has 2^31 cells.
     */
    static Staging staging(PyramidPlan plan, long planes, DeviceInfo device, Tuning t) {
        long planeCells = plan.inputPlaneSize();
        if (planeCells > Integer.MAX_VALUE / 2 || planes == 0) {
            return null;
        }
        long planeBytes = planeCells * STAGED_BYTES;
        boolean small = planeBytes <= t.tiledSmallPlaneBytes() && (t.tiledSmallTileBytes() / planeBytes) * plan.outputPlaneSizes() >= 32;
        long bytes = Math.min(small ? t.tiledSmallTileBytes() : t.tiledTileBytes(), device.localMemoryBytes() - t.localMemoryMargin());
        if (TiledGeometry.padded(planeCells) * STAGED_BYTES > bytes) {
            return null;
        }
        long g = Math.max(1, Math.min(planes, bytes / STAGED_BYTES / TiledGeometry.padded(planeCells)));
        while (g > 1 && TiledGeometry.padded(g * planeCells) * STAGED_BYTES > bytes) {
            g--;
        }
        return new Staging(g, small ? t.tiledSmallLocalSize() : t.tiledLocalSize(), TiledGeometry.padded(g * planeCells));
    }

    /**
     * What computes chunks of a pyramid on session {@code s} (chunks of at most {@code perChunk} planes):
     * levels without output elements are left alone.
     */
    static ChunkLoop.Runner runner(DeviceSession s, PyramidPlan plan, long perChunk, Tensor input, List<Tensor> values,
                                   List<Tensor> indices, String forced) {
        List<Integer> live = new ArrayList<>();
        for (int l = 0; l < plan.levels().size(); l++) {
            if (!plan.levels().get(l).isEmpty()) {
                live.add(l);
            }
        }
        long inPlane = plan.inputPlaneSize();
        Method method = choose(plan, perChunk, s.device(), s.tuning(), forced);
        return new ChunkLoop.Runner() {
            @Override
            public void run(Chunks.Chunk c) {
                try (HostChunk in = HostChunk.input(s, input, c.first() * inPlane, c.count() * inPlane)) {
                    if (method == Method.LEVELS) {
                        levelByLevel(s, plan, live, c, in.buffer(), values, indices, forced);
                    } else {
                        onePass(s, method, plan, live, c, in.buffer(), values, indices);
                    }
                }
            }

            @Override
            public void close() {
                // every chunk's buffers are its own
            }
        };
    }

    /**
     * One pass of the staged or plane-run kernel over a chunk of planes: every level into one buffer (level
     * after level, each its planes in order), then read out per level.
     */
    private static void onePass(DeviceSession s, Method method, PyramidPlan plan, List<Integer> live, Chunks.Chunk c,
                                ClBuffer in, List<Tensor> values, List<Tensor> indices) {
        long n = c.count();
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
        KernelMode mode = KernelMode.of(plan.op().mode(), indices != null);
        PoolPlan first = plan.levels().get(0);
        List<ClEvent> events = new ArrayList<>();
        try (ClBuffer bins = s.table(allBins, "pyramid bin table");
             ClBuffer levels = s.table(levelTable, "pyramid level table");
             BufferPool.Lease out = s.buffers.acquire(outAt * Float.BYTES);
             BufferPool.Lease idx = indices == null ? null : s.buffers.acquire(outAt * Long.BYTES);
             ClKernel k = s.program(DType.FLOAT32, mode).kernel(method.label)) {
            k.arg(0, in).arg(1, bins).arg(2, levels);
            KernelCall call = new KernelCall(k, 3, s.queue, s.description(), events);
            if (method == Method.STAGED) {
                Staging st = staging(plan, n, s.device(), s.tuning());
                call.arg(cellsPerPlane).arg(first.depth().inputSize()).arg(first.height().inputSize()).arg(first.width().inputSize())
                        .arg(n).arg(st.planesPerGroup());
                int firstTile = call.nextIndex();
                call.arg(0).local(st.tileElements() * STAGED_BYTES).arg(out.buffer).arg(idx == null ? null : idx.buffer);
                long groups = (n + st.planesPerGroup() - 1) / st.planesPerGroup();
                long maxGroups = MAX_LAUNCH / st.localSize();
                for (long g0 = 0; g0 < groups; g0 += maxGroups) {
                    call.set(firstTile, g0).enqueue(Math.min(maxGroups, groups - g0) * st.localSize(), st.localSize());
                }
            } else {
                Runs runs = PlanesKernel.runs(n, s.device(), s.tuning());
                call.arg(live.size()).arg(first.depth().inputSize()).arg(first.height().inputSize()).arg(first.width().inputSize())
                        .arg(n).arg(runs.length()).arg(out.buffer).arg(idx == null ? null : idx.buffer).enqueue(runs.count(), 1);
            }
            ClEvent.totalDeviceNanos(events);
            for (int j = 0; j < live.size(); j++) {
                int l = live.get(j);
                long outPlane = plan.levels().get(l).outputPlaneSize();
                long offset = levelTable[5 * j + 4];
                s.transfers.read(out.buffer, offset * Float.BYTES, HostRegion.of(values.get(l), c.first() * outPlane, n * outPlane));
                if (idx != null) {
                    s.transfers.read(idx.buffer, offset * Long.BYTES, HostRegion.of(indices.get(l), c.first() * outPlane, n * outPlane));
                }
            }
        } finally {
            events.forEach(ClEvent::close);
        }
    }

    /** Each level as a pooling of its own, reading the input again. */
    private static void levelByLevel(DeviceSession s, PyramidPlan plan, List<Integer> live, Chunks.Chunk c, ClBuffer in,
                                     List<Tensor> values, List<Tensor> indices, String forced) {
        long n = c.count();
        for (int l : live) {
            PoolPlan level = plan.levels().get(l);
            long outPlane = level.outputPlaneSize();
            try (BinTables.Lease bins = s.binTable(level);
                 BufferPool.Lease out = s.buffers.acquire(n * outPlane * Float.BYTES);
                 BufferPool.Lease idx = indices == null ? null : s.buffers.acquire(n * outPlane * Long.BYTES)) {
                PoolQuery q = PoolKernels.query(s, level, DType.FLOAT32, Layout.CONTIGUOUS, n);
                PoolKernels.run(s, q, forced, in, bins.buffer, out.buffer, idx == null ? null : idx.buffer);
                s.transfers.read(out.buffer, 0, HostRegion.of(values.get(l), c.first() * outPlane, n * outPlane));
                if (idx != null) {
                    s.transfers.read(idx.buffer, 0, HostRegion.of(indices.get(l), c.first() * outPlane, n * outPlane));
                }
            }
        }
    }
}
