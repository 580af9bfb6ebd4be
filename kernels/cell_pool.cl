// One work-item per output cell: the simplest mapping, right for small bins and for upsampling.
//
// Entry points: cell_avg, cell_max, cell_max_indices.
// Layout: a contiguous tensor seen as `planes` planes of ID x IH x IW input cells (2-d pooling has
// ID = 1), pooled to OD x OH x OW. All offsets are 64-bit. The host launches just enough work-items to
// fill the device; work-item g computes output cells g * chunk, + step, ... below
// min(count, g * chunk + span): on GPUs chunk = 1, span = count and step = the global size, so that
// neighbouring work-items touch neighbouring cells (coalesced); on CPUs, whose work-items run one after
// another, chunk = span = a run of cells and step = 1, so that each core streams through memory.

#define CELL_PARAMS                                                                         \
    __global const elem_t* in, __global const long* bins,                                    \
    const long ID, const long IH, const long IW,                                            \
    const long OD, const long OH, const long OW,                                            \
    const ulong count, const ulong chunk, const ulong span, const ulong step

// Splits output cell o into its coordinates and plane. GPUs divide 64-bit integers in software,
// several times slower than 32-bit, so outputs of under 2^32 cells (all dimensions then fit) use uint.
inline void cell_coordinates(const ulong o, const bool narrow, const long OD, const long OH, const long OW,
                             long* od, long* oh, long* ow, ulong* plane) {
    if (narrow) {
        uint rest = (uint)o;
        *ow = rest % (uint)OW;
        rest /= (uint)OW;
        *oh = rest % (uint)OH;
        rest /= (uint)OH;
        *od = rest % (uint)OD;
        *plane = rest / (uint)OD;
    } else {
        ulong rest = o;
        *ow = (long)(rest % (ulong)OW);
        rest /= (ulong)OW;
        *oh = (long)(rest % (ulong)OH);
        rest /= (ulong)OH;
        *od = (long)(rest % (ulong)OD);
        *plane = rest / (ulong)OD;
    }
}

// Opens the loop over this work-item's output cells; locates cell `o` and finds its bin.
#define CELL_LOOP                                                                           \
    const ulong begin = get_global_id(0) * chunk;                                           \
    const ulong end = min(count, begin + span);                                             \
    const bool narrow = count <= 0xffffffffUL;                                              \
    for (ulong o = begin; o < end; o += step) {                                             \
    long od, oh, ow;                                                                        \
    ulong plane;                                                                            \
    cell_coordinates(o, narrow, OD, OH, OW, &od, &oh, &ow, &plane);                         \
    const long d0 = D_START(od), d1 = D_END(od);                                            \
    const long h0 = H_START(oh), h1 = H_END(oh);                                            \
    const long w0 = W_START(ow), w1 = W_END(ow);                                            \
    __global const elem_t* src = in + plane * (ulong)(ID * IH * IW);

__kernel void cell_avg(CELL_PARAMS, __global elem_t* out) {
    CELL_LOOP
        acc_t sum = 0;
        for (long d = d0; d < d1; d++) {
            for (long h = h0; h < h1; h++) {
                const long row = (d * IH + h) * IW;
                for (long w = w0; w < w1; w++) {
                    sum += LOAD(src, row + w);
                }
            }
        }
        STORE(out, o, sum / (acc_t)(d1 - d0) / (acc_t)(h1 - h0) / (acc_t)(w1 - w0));
    }
}

// The bin's maximum m and its index mi, by PyTorch's row-major scan.
#define CELL_MAX                                                                            \
    acc_t m = -INFINITY;                                                                    \
    long mi = (d0 * IH + h0) * IW + w0;                                                     \
    for (long d = d0; d < d1; d++) {                                                        \
        for (long h = h0; h < h1; h++) {                                                    \
            const long row = (d * IH + h) * IW;                                             \
            for (long w = w0; w < w1; w++) {                                                \
                const acc_t v = LOAD(src, row + w);                                         \
                MAX_STEP(m, mi, v, row + w)                                                 \
            }                                                                               \
        }                                                                                   \
    }

__kernel void cell_max(CELL_PARAMS, __global elem_t* out) {
    CELL_LOOP
        CELL_MAX
        STORE(out, o, m);
    }
}

__kernel void cell_max_indices(CELL_PARAMS, __global elem_t* out, __global long* indices) {
    CELL_LOOP
        CELL_MAX
        STORE(out, o, m);
        indices[o] = mi;
    }
}
