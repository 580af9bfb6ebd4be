package dev.clpool.opencl;

import java.nio.file.Path;

/**
 * Settings of an OpenCL engine. {@link #defaults()} reads them from system properties, so that they
 * can be set without code: {@code clpool.kernel} (auto|cell|planes|tiled|copy), {@code clpool.maxAllocation}
 * (bytes; 0 = the device's own limit), {@code clpool.cacheDir} (the program-binary cache; {@code off}
 * disables it; default {@code $XDG_CACHE_HOME/clpool} or {@code ~/.cache/clpool}), and the tiled
 * kernel's tuning, {@code clpool.tiled.localSize} and {@code clpool.tiled.tileBytes} (both chosen per
 * plan when absent).
 *
 * @param kernel which kernel to prefer; a kernel that cannot run a plan falls back to the automatic choice
 * @param maxAllocationBytes the largest buffer to allocate, 0 for the device's {@code CL_DEVICE_MAX_MEM_ALLOC_SIZE};
 *     larger host tensors are pooled in chunks of whole planes
 * @param cacheDir where compiled programs are kept between runs, or {@code null} for no cache
 * @param tiling the tiled kernel's work-group size and local memory per tile of whole planes
 */
public record OpenClOptions(KernelChoice kernel, long maxAllocationBytes, Path cacheDir, Tiling tiling) {

    /**
     * Tuning of the tiled kernel; {@link #AUTOMATIC} chooses per plan.
     *
     * @param localSize work-items per work-group, a multiple of 32 (0: automatic)
     * @param planeTileBytes local memory one tile of whole planes may take: smaller tiles let more
     *     work-groups share a compute unit, larger ones hold more planes (0: automatic)
     */
    public record Tiling(int localSize, long planeTileBytes) {
        /** Chosen per plan from the H200 sweep in BENCHMARKS.md. */
        public static final Tiling AUTOMATIC = new Tiling(0, 0);

        public Tiling {
            if (localSize != 0 && (localSize < 32 || localSize % 32 != 0)) {
                throw new IllegalArgumentException("tiling localSize: a multiple of 32 is required, got " + localSize);
            }
            if (planeTileBytes != 0 && planeTileBytes < 1024) {
                throw new IllegalArgumentException("tiling planeTileBytes: at least 1024 is required, got " + planeTileBytes);
            }
        }

        /**
         * The tuning for planes of {@code planeBytes} with {@code cellsPerPlane} output cells, from the
         * H200 sweep in BENCHMARKS.md: planes up to 4 KiB in groups of 64 with 8 KiB tiles, so that
         * many groups share a compute unit, unless such a tile would leave fewer than 32 cells (a warp)
         * to compute, as in global pooling; larger planes in groups of 256 with 32 KiB.
         */
        Tiling forPlanes(long planeBytes, long cellsPerPlane) {
            boolean small = planeBytes <= 4096 && (8192 / planeBytes) * cellsPerPlane >= 32;
            return new Tiling(localSize != 0 ? localSize : small ? 64 : 256,
                    planeTileBytes != 0 ? planeTileBytes : small ? 8192 : 32768);
        }
    }

    public OpenClOptions {
        if (kernel == null || tiling == null) {
            throw new IllegalArgumentException("kernel and tiling: must not be null");
        }
        if (maxAllocationBytes < 0) {
            throw new IllegalArgumentException("maxAllocationBytes: must be >= 0, got " + maxAllocationBytes);
        }
    }

    public static OpenClOptions defaults() {
        String kernel = System.getProperty("clpool.kernel", "auto");
        long cap = Long.getLong("clpool.maxAllocation", 0L);
        Tiling tiling = new Tiling(Integer.getInteger("clpool.tiled.localSize", 0),
                Long.getLong("clpool.tiled.tileBytes", 0));
        return new OpenClOptions(KernelChoice.parse(kernel), cap, ProgramCache.defaultDirectory(), tiling);
    }

    public OpenClOptions withKernel(KernelChoice choice) {
        return new OpenClOptions(choice, maxAllocationBytes, cacheDir, tiling);
    }

    public OpenClOptions withMaxAllocationBytes(long bytes) {
        return new OpenClOptions(kernel, bytes, cacheDir, tiling);
    }

    public OpenClOptions withCacheDir(Path dir) {
        return new OpenClOptions(kernel, maxAllocationBytes, dir, tiling);
    }
}
