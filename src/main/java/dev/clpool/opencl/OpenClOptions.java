package dev.clpool.opencl;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Settings of an OpenCL backend. {@link #defaults()} reads them from system properties, so that they can
 * be set without code: {@code clpool.kernel} ({@code auto}, or a kernel's name: see {@link #kernelNames()}),
 * {@code clpool.maxAllocation} (bytes; 0 = the device's own limit), {@code clpool.cacheDir} (the
 * program-binary cache; {@code off} disables it; default {@code $XDG_CACHE_HOME/clpool} or
 * {@code ~/.cache/clpool}). Kernel tuning is per device, in {@code kernels/tuning.properties}, and can be
 * overridden with {@code clpool.tuning.KEY}.
 *
 * @param kernel {@code auto}, or the kernel to force for the operations it computes (a pooling kernel for
 *     poolings, a pyramid method for pyramids); a plan it cannot run is refused, naming why
 * @param maxAllocationBytes the largest buffer to allocate, 0 for the device's {@code CL_DEVICE_MAX_MEM_ALLOC_SIZE};
 *     larger host tensors are pooled in chunks of whole planes
 * @param cacheDir where compiled programs are kept between runs, or {@code null} for no cache
 */
public record OpenClOptions(String kernel, long maxAllocationBytes, Path cacheDir) {
    /** The automatic choice: the most preferred kernel that can run each plan. */
    public static final String AUTO = "auto";

    public OpenClOptions {
        kernel = kernel == null ? AUTO : kernel.strip().toLowerCase(Locale.ROOT);
        if (!kernel.equals(AUTO) && !kernelNames().contains(kernel)) {
            throw new IllegalArgumentException("kernel: expected auto or one of " + String.join(", ", kernelNames()) + ", got '"
                    + kernel + "'");
        }
        if (maxAllocationBytes < 0) {
            throw new IllegalArgumentException("maxAllocationBytes: must be >= 0, got " + maxAllocationBytes);
        }
    }

    /** The kernels {@code clpool.kernel} can force: the pooling kernels, the pyramid methods and the backward kernel. */
    public static List<String> kernelNames() {
        List<String> names = new ArrayList<>(poolKernelNames());
        names.addAll(pyramidKernelNames());
        names.add(BackwardKernels.NAME);
        return names;
    }

    /** The pooling kernels, in the registry's order (the reference, {@code cell}, last). */
    public static List<String> poolKernelNames() {
        return PoolKernels.ALL.stream().map(k -> k.name).toList();
    }

    /** The pyramid methods (the reference, {@code pyramid_levels}, last). */
    public static List<String> pyramidKernelNames() {
        return Arrays.stream(PyramidKernels.Method.values()).map(m -> m.label).toList();
    }

    public static OpenClOptions defaults() {
        return new OpenClOptions(System.getProperty("clpool.kernel", AUTO), Long.getLong("clpool.maxAllocation", 0L),
                ProgramCache.defaultDirectory());
    }

    public OpenClOptions withKernel(String name) {
        return new OpenClOptions(name, maxAllocationBytes, cacheDir);
    }

    public OpenClOptions withMaxAllocationBytes(long bytes) {
        return new OpenClOptions(kernel, bytes, cacheDir);
    }

    public OpenClOptions withCacheDir(Path dir) {
        return new OpenClOptions(kernel, maxAllocationBytes, dir);
    }
}
