package dev.clpool.opencl;

import java.util.Locale;

/** The kernels a plan can run on; {@link #AUTO} lets clpool choose per plan and device. */
public enum KernelChoice {
    /** Chosen per plan and device (see {@link PoolKernels#choose}). */
    AUTO,
    /** One work-item per output cell: any plan. */
    CELL,
    /** One work-item per run of whole planes, four side by side: any plan, for CPU devices. */
    PLANES,
    /** A work-group per tile of whole planes or row bands staged in local memory: 2-d plans. */
    TILED,
    /** A copy: identity plans (output size = input size). */
    COPY,
    /**
     * Channels-last (NHWC, NDHWC) tensors, chosen for them alone: one work-item per output element,
     * channel fastest, on GPUs (and on any device when {@link #CELL} is preferred); on CPUs, one per run
     * of output cells, 16 channels at a time.
     */
    CHANNELS_LAST;

    public static KernelChoice parse(String text) {
        try {
            return valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("kernel: expected auto, cell, planes, tiled or copy, got '" + text + "'");
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
