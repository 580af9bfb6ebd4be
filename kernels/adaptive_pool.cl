// Adaptive average and max pooling, PyTorch's semantics, one work-item per output cell.
//
// Entry points:
//   adaptive_avg_pool          values only
//   adaptive_max_pool          values only
//   adaptive_max_pool_indices  values and int64 indices
//
// Layout: a contiguous tensor seen as `planes` planes of ID x IH x IW input cells (2-d pooling has
// ID = 1, 1-d also IH = 1), pooled to OD x OH x OW. The host plans the bins with PyTorch's integer
// formulas and passes them as one table of longs:
//   bins = [d_start[OD], d_end[OD], h_start[OH], h_end[OH], w_start[OW], w_end[OW]]
// Work-item g computes output cell `first + g`, for g < count; launches are split by the host so
// that a range never exceeds what one NDRange takes. All offsets are 64-bit.
//
// Semantics that must not drift from PyTorch (see README "Semantics"):
//   avg: sum in float32 in row-major order over the bin, then sum / kd / kh / kw.
//   max: start at -inf with the bin's first index; take v when (v > m || isnan(v)), so NaN
//        propagates, ties keep the first, an all -inf bin gives -inf at its first index.
//        Never fmax: it drops NaN. Index = (d * IH + h) * IW + w within the input plane.
//
// Build options: -cl-std=CL1.2, plus -cl-fp32-correctly-rounded-divide-sqrt where the device has it.
// No -cl-fast-relaxed-math: it assumes no NaN or infinity.

// Decomposes output cell `o` into its plane and coordinates and locates the bin's tables.
#define LOCATE_CELL                                                                         \
    const ulong g = get_global_id(0);                                                       \
    if (g >= count) return;                                                                 \
    const ulong o = first + g;                                                              \
    const long ow = (long)(o % (ulong)OW);                                                  \
    ulong rest = o / (ulong)OW;                                                             \
    const long oh = (long)(rest % (ulong)OH);                                               \
    rest /= (ulong)OH;                                                                      \
    const long od = (long)(rest % (ulong)OD);                                               \
    const ulong plane = rest / (ulong)OD;                                                   \
    const long d0 = bins[od], d1 = bins[OD + od];                                           \
    const long h0 = bins[2 * OD + oh], h1 = bins[2 * OD + OH + oh];                         \
    const long w0 = bins[2 * OD + 2 * OH + ow], w1 = bins[2 * OD + 2 * OH + OW + ow];       \
    __global const float* src = in + plane * (ulong)(ID * IH * IW);

#define POOL_PARAMS                                                                         \
    __global const float* in, __global const long* bins,                                    \
    const long ID, const long IH, const long IW,                                            \
    const long OD, const long OH, const long OW,                                            \
    const ulong first, const ulong count

__kernel void adaptive_avg_pool(POOL_PARAMS, __global float* out) {
    LOCATE_CELL
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

// Finds the bin's maximum and its flat index within the plane.
#define MAX_OF_BIN                                                                          \
    float m = -INFINITY;                                                                    \
    long mi = (d0 * IH + h0) * IW + w0;                                                     \
    for (long d = d0; d < d1; d++) {                                                        \
        for (long h = h0; h < h1; h++) {                                                    \
            const long base = (d * IH + h) * IW;                                            \
            for (long w = w0; w < w1; w++) {                                                \
                const float v = src[base + w];                                              \
                if (v > m || isnan(v)) {                                                    \
                    m = v;                                                                  \
                    mi = base + w;                                                          \
                }                                                                           \
            }                                                                               \
        }                                                                                   \
    }

__kernel void adaptive_max_pool(POOL_PARAMS, __global float* out) {
    LOCATE_CELL
    MAX_OF_BIN
    out[o] = m;
}

__kernel void adaptive_max_pool_indices(POOL_PARAMS, __global float* out, __global long* indices) {
    LOCATE_CELL
    MAX_OF_BIN
    out[o] = m;
    indices[o] = mi;
}
