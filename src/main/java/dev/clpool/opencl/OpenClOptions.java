package dev.clpool.opencl;

import java.nio.file.Path;

/**
 * Settings of an OpenCL engine. {@link #defaults()} reads them from system properties, so that they
 * can be set without code: {@code clpool.kernel} (auto|cell|tiled|copy), {@code clpool.maxAllocation}
 * (bytes; 0 = the device's own limit), {@code clpool.cacheDir} (the program-binary cache; {@code off}
 * disables it; default {@code $XDG_CACHE_HOME/clpool} or {@code ~/.cache/clpool}).
 *
 * @param kernel which kernel to prefer; a kernel that cannot run a plan falls back to the automatic choice
 * @param maxAllocationBytes the largest buffer to allocate, 0 for the device's {@code CL_DEVICE_MAX_MEM_ALLOC_SIZE};
 *     larger host tensors are pooled in chunks of whole planes
 * @param cacheDir where compiled programs are kept between runs, or {@code null} for no cache
 */
public record OpenClOptions(KernelChoice kernel, long maxAllocationBytes, Path cacheDir) {

    public OpenClOptions {
        if (kernel == null) {
            throw new IllegalArgumentException("kernel: must not be null");
        }
        if (maxAllocationBytes < 0) {
            throw new IllegalArgumentException("maxAllocationBytes: must be >= 0, got " + maxAllocationBytes);
        }
    }

    public static OpenClOptions defaults() {
        String kernel = System.getProperty("clpool.kernel", "auto");
        long cap = Long.getLong("clpool.maxAllocation", 0L);
        return new OpenClOptions(KernelChoice.parse(kernel), cap, ProgramCache.defaultDirectory());
    }

    public OpenClOptions withKernel(KernelChoice choice) {
        return new OpenClOptions(choice, maxAllocationBytes, cacheDir);
    }

    public OpenClOptions withMaxAllocationBytes(long bytes) {
        return new OpenClOptions(kernel, bytes, cacheDir);
    }

    public OpenClOptions withCacheDir(Path dir) {
        return new OpenClOptions(kernel, maxAllocationBytes, dir);
    }
}
