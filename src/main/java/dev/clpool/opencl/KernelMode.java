package dev.clpool.opencl;

import dev.clpool.op.PoolMode;

/** What the kernels of one program compute, {@code -DCLPOOL_MODE} in common.cl: each program holds one. */
enum KernelMode {
    AVG,
    MAX,
    MAX_WITH_INDICES;

    static KernelMode of(PoolMode mode, boolean withIndices) {
        return mode == PoolMode.AVG ? AVG : withIndices ? MAX_WITH_INDICES : MAX;
    }

    /** The build option. */
    String define() {
        return "-DCLPOOL_MODE=" + ordinal();
    }
}
