package dev.clpool.opencl;

/**
 * One pooling kernel of the registry ({@link PoolKernels}): its name, which is its {@code .cl} entry point
 * and what {@code clpool.kernel} forces; what it can run; how much it is preferred; and its launch.
 */
abstract class PoolKernel {
    final String name;

    PoolKernel(String name) {
        this.name = name;
    }

    /** Why this kernel cannot run {@code q}, or {@code null} when it can. */
    abstract String unsupported(PoolQuery q);

    /**
     * How much this kernel is preferred for {@code q} on its device: among the kernels that can run it, the
     * highest wins; below 0, it runs only when forced. The reference kernel, {@code cell}, is 0.
     */
    abstract int priority(PoolQuery q);

    /** Sets the kernel's own arguments, after the common ones ({@code POOL_ARGS} in common.cl), and enqueues it. */
    abstract void launch(PoolQuery q, KernelCall call);

    @Override
    public String toString() {
        return name;
    }
}
