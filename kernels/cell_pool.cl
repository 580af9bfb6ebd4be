// One work-item per output cell: the simplest mapping, right for small bins and for upsampling.
//
// Entry points: cell_avg, cell_max, cell_max_indices.
// Layout: a contiguous tensor seen as `planes` planes of ID x IH x IW input cells (2-d pooling has
// ID = 1), pooled to OD x OH x OW. Work-item g computes output cells g, g + S, g + 2S, ... below
// count, where S is the global size: the host launches enough work-items to fill the device and no
// more, which CPU devices need (each work-group costs them a task). All offsets are 64-bit.

#define CELL_PARAMS                                                                         \
    __global const float* in, __global const long* bins,                                    \
    const long ID, const long IH, const long IW,                                            \
    const long OD, const long OH, const long OW,                                            \
    const ulong count

// Opens the loop over this work-item's output cells; decomposes cell `o` and finds its bin.
#define CELL_LOOP                                                                           \
    for (ulong o = get_global_id(0); o < count; o += get_global_size(0)) {                  \
    const long ow = (long)(o % (ulong)OW);                                                  \
    ulong rest = o / (ulong)OW;                                                             \
    const long oh = (long)(rest % (ulong)OH);                                               \
    rest /= (ulong)OH;                                                                      \
    const long od = (long)(rest % (ulong)OD);                                               \
    const ulong plane = rest / (ulong)OD;                                                   \
    const long d0 = D_START(od), d1 = D_END(od);                                            \
    const long h0 = H_START(oh), h1 = H_END(oh);                                            \
    const long w0 = W_START(ow), w1 = W_END(ow);                                            \
    __global const float* src = in + plane * (ulong)(ID * IH * IW);

__kernel void cell_avg(CELL_PARAMS, __global float* out) {
    CELL_LOOP
        float sum = 0.0f;
        for (long d = d0; d < d1; d++) {
            for (long h = h0; h < h1; h++) {
                __global const float* row = src + (d * IH + h) * IW;
                for (long w = w0; w < w1; w++) {
                    sum += row[w];
                }
            }
        }
        out[o] = sum / (float)(d1 - d0) / (float)(h1 - h0) / (float)(w1 - w0);
    }
}

// The bin's maximum m and its index mi, by PyTorch's row-major scan.
#define CELL_MAX                                                                            \
    float m = -INFINITY;                                                                    \
    long mi = (d0 * IH + h0) * IW + w0;                                                     \
    for (long d = d0; d < d1; d++) {                                                        \
        for (long h = h0; h < h1; h++) {                                                    \
            const long row = (d * IH + h) * IW;                                             \
            for (long w = w0; w < w1; w++) {                                                \
                const float v = src[row + w];                                               \
                MAX_STEP(m, mi, v, row + w)                                                 \
            }                                                                               \
        }                                                                                   \
    }

__kernel void cell_max(CELL_PARAMS, __global float* out) {
    CELL_LOOP
        CELL_MAX
        out[o] = m;
    }
}

__kernel void cell_max_indices(CELL_PARAMS, __global float* out, __global long* indices) {
    CELL_LOOP
        CELL_MAX
        out[o] = m;
        indices[o] = mi;
    }
}
