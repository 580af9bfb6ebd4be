// Channels-last pooling (PyTorch's channels_last, NHWC, and channels_last_3d, NDHWC): C varies fastest
// in memory. Element (n, c, d, h, w) of the input is at (((n * ID + d) * IH + h) * IW + w) * C + c; the
// outputs and indices lie the same way in (N, OD, OH, OW, C) order.
//
// Entry points: nhwc_avg, nhwc_max, nhwc_max_indices.
// One work-item per output element, c fastest: neighbouring work-items pool neighbouring channels of the
// same output cell, so every load of a warp reads one contiguous run of C elements (coalesced), and the
// bin's cells follow one another C elements apart. Work-item g handles outputs g * chunk, + step, ...
// below min(count, g * chunk + span), as in cell_pool.cl (interleaved on GPUs, runs on CPUs).
// Each channel is summed over its bin in row-major (d, h, w) order and divided by kd, kh, kw in turn:
// the float operations of the planar kernels, so a layout never changes the bits. Indices are spatial,
// (d * IH + h) * IW + w, as PyTorch's in every memory format.

#define NHWC_PARAMS                                                                         \
    __global const elem_t* in, __global const long* bins, const long C,                     \
    const long ID, const long IH, const long IW,                                            \
    const long OD, const long OH, const long OW,                                            \
    const ulong count, const ulong chunk, const ulong span, const ulong step

// Splits output element o into its channel, cell and batch element; 32-bit arithmetic when the
// output has fewer than 2^32 elements (GPUs divide 64-bit integers in software).
inline void nhwc_coordinates(const ulong o, const bool narrow, const long C, const long OD, const long OH,
                             const long OW, long* c, long* od, long* oh, long* ow, ulong* n) {
    if (narrow) {
        uint rest = (uint)o;
        *c = rest % (uint)C;
        rest /= (uint)C;
        *ow = rest % (uint)OW;
        rest /= (uint)OW;
        *oh = rest % (uint)OH;
        rest /= (uint)OH;
        *od = rest % (uint)OD;
        *n = rest / (uint)OD;
    } else {
        ulong rest = o;
        *c = (long)(rest % (ulong)C);
        rest /= (ulong)C;
        *ow = (long)(rest % (ulong)OW);
        rest /= (ulong)OW;
        *oh = (long)(rest % (ulong)OH);
        rest /= (ulong)OH;
        *od = (long)(rest % (ulong)OD);
        *n = rest / (ulong)OD;
    }
}

// Opens the loop over this work-item's outputs; finds output o's bin; src points at its batch
// element's channel c, so that cell i of the input plane is LOAD(src, i * C).
#define NHWC_LOOP                                                                           \
    const ulong begin = get_global_id(0) * chunk;                                           \
    const ulong end = min(count, begin + span);                                             \
    const bool narrow = count <= 0xffffffffUL;                                              \
    for (ulong o = begin; o < end; o += step) {                                             \
    long c, od, oh, ow;                                                                     \
    ulong n;                                                                                \
    nhwc_coordinates(o, narrow, C, OD, OH, OW, &c, &od, &oh, &ow, &n);                      \
    const long d0 = D_START(od), d1 = D_END(od);                                            \
    const long h0 = H_START(oh), h1 = H_END(oh);                                            \
    const long w0 = W_START(ow), w1 = W_END(ow);                                            \
    __global const elem_t* src = in + n * (ulong)(ID * IH * IW * C) + c;

__kernel void nhwc_avg(NHWC_PARAMS, __global elem_t* out) {
    NHWC_LOOP
        acc_t sum = 0;
        for (long d = d0; d < d1; d++) {
            for (long h = h0; h < h1; h++) {
                const long row = (d * IH + h) * IW;
                for (long at = (row + w0) * C, stop = (row + w1) * C; at < stop; at += C) {
                    sum += LOAD(src, at);
                }
            }
        }
        STORE(out, o, sum / (acc_t)(d1 - d0) / (acc_t)(h1 - h0) / (acc_t)(w1 - w0));
    }
}

// The bin's maximum m and its spatial index mi, by PyTorch's row-major scan.
#define NHWC_MAX                                                                            \
    acc_t m = -INFINITY;                                                                    \
    long mi = (d0 * IH + h0) * IW + w0;                                                     \
    for (long d = d0; d < d1; d++) {                                                        \
        for (long h = h0; h < h1; h++) {                                                    \
            const long row = (d * IH + h) * IW;                                             \
            for (long w = w0; w < w1; w++) {                                                \
                const acc_t v = LOAD(src, (row + w) * C);                                   \
                MAX_STEP(m, mi, v, row + w)                                                 \
            }                                                                               \
        }                                                                                   \
    }

__kernel void nhwc_max(NHWC_PARAMS, __global elem_t* out) {
    NHWC_LOOP
        NHWC_MAX
        STORE(out, o, m);
    }
}

__kernel void nhwc_max_indices(NHWC_PARAMS, __global elem_t* out, __global long* indices) {
    NHWC_LOOP
        NHWC_MAX
        STORE(out, o, m);
        indices[o] = mi;
    }
}

// For CPU devices, whose work-items are loops of one thread: a work-item pools blocks of NHWC_BLOCK
// channels of one output cell at once, so that its inner loops run along contiguous channels (the
// compiler vectorizes them) while each channel is still summed over the bin in row-major order.
// Entry points: nhwc_block_avg, nhwc_block_max, nhwc_block_max_indices; task t of count is
// (n, output cell, channel block), the block fastest; work-items take runs of tasks as cell_pool.cl.
#define NHWC_BLOCK 16

#define NHWC_BLOCK_LOOP                                                                     \
    const ulong begin = get_global_id(0) * chunk;                                           \
    const ulong end = min(count, begin + span);                                             \
    const long blocks = (C + NHWC_BLOCK - 1) / NHWC_BLOCK;                                  \
    for (ulong t = begin; t < end; t += step) {                                             \
    long c0, od, oh, ow;                                                                    \
    ulong n;                                                                                \
    nhwc_coordinates(t, false, blocks, OD, OH, OW, &c0, &od, &oh, &ow, &n);                 \
    c0 *= NHWC_BLOCK;                                                                       \
    const int width = (int)min((long)NHWC_BLOCK, C - c0);                                   \
    const long d0 = D_START(od), d1 = D_END(od);                                            \
    const long h0 = H_START(oh), h1 = H_END(oh);                                            \
    const long w0 = W_START(ow), w1 = W_END(ow);                                            \
    __global const elem_t* src = in + n * (ulong)(ID * IH * IW * C) + c0;                   \
    const ulong o = (((n * (ulong)OD + od) * (ulong)OH + oh) * (ulong)OW + ow) * (ulong)C + c0;

__kernel void nhwc_block_avg(NHWC_PARAMS, __global elem_t* out) {
    NHWC_BLOCK_LOOP
        acc_t sum[NHWC_BLOCK];
        for (int k = 0; k < NHWC_BLOCK; k++) {
            sum[k] = 0;
        }
        for (long d = d0; d < d1; d++) {
            for (long h = h0; h < h1; h++) {
                for (long w = w0; w < w1; w++) {
                    __global const elem_t* cell = src + ((d * IH + h) * IW + w) * C;
                    if (width == NHWC_BLOCK) {
                        for (int k = 0; k < NHWC_BLOCK; k++) {
                            sum[k] += LOAD(cell, k);
                        }
                    } else {
                        for (int k = 0; k < width; k++) {
                            sum[k] += LOAD(cell, k);
                        }
                    }
                }
            }
        }
        const acc_t kd = (acc_t)(d1 - d0), kh = (acc_t)(h1 - h0), kw = (acc_t)(w1 - w0);
        for (int k = 0; k < width; k++) {
            STORE(out, o + k, sum[k] / kd / kh / kw);
        }
    }
}

#define NHWC_BLOCK_MAX                                                                      \
        acc_t m[NHWC_BLOCK];                                                                \
        long mi[NHWC_BLOCK];                                                                \
        for (int k = 0; k < NHWC_BLOCK; k++) {                                              \
            m[k] = -INFINITY;                                                               \
            mi[k] = (d0 * IH + h0) * IW + w0;                                               \
        }                                                                                   \
        for (long d = d0; d < d1; d++) {                                                    \
            for (long h = h0; h < h1; h++) {                                                \
                for (long w = w0; w < w1; w++) {                                            \
                    const long i = (d * IH + h) * IW + w;                                   \
                    __global const elem_t* cell = src + i * C;                              \
                    for (int k = 0; k < width; k++) {                                       \
                        const acc_t v = LOAD(cell, k);                                      \
                        MAX_STEP(m[k], mi[k], v, i)                                         \
                    }                                                                       \
                }                                                                           \
            }                                                                               \
        }

__kernel void nhwc_block_max(NHWC_PARAMS, __global elem_t* out) {
    NHWC_BLOCK_LOOP
        NHWC_BLOCK_MAX
        for (int k = 0; k < width; k++) {
            STORE(out, o + k, m[k]);
        }
    }
}

__kernel void nhwc_block_max_indices(NHWC_PARAMS, __global elem_t* out, __global long* indices) {
    NHWC_BLOCK_LOOP
        NHWC_BLOCK_MAX
        for (int k = 0; k < width; k++) {
            STORE(out, o + k, m[k]);
            indices[o + k] = mi[k];
        }
    }
}
