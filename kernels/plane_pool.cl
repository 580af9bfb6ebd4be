// One work-item per run of whole planes, for CPU devices, whose work-items are loops of one thread:
// each streams through its planes in order. Bins are summed (or scanned) in PyTorch's row-major
// order, four planes side by side: their bins are the same, so the four independent chains overlap in
// the core's pipeline instead of waiting on each addition.
//
// Entry points: plane_avg, plane_max, plane_max_indices.
// Work-item g pools planes [g * chunk, min(planes, (g + 1) * chunk)).

#define PLANE_PARAMS                                                                        \
    __global const elem_t* in, __global const long* bins,                                    \
    const long ID, const long IH, const long IW,                                            \
    const long OD, const long OH, const long OW,                                            \
    const ulong planes, const ulong chunk

// Opens the loops over the output cells of one plane (or four), finding each cell's bin;
// `o` counts the cells within the plane.
#define PLANE_CELLS                                                                         \
    long o = 0;                                                                             \
    for (long od = 0; od < OD; od++)                                                        \
    for (long oh = 0; oh < OH; oh++)                                                        \
    for (long ow = 0; ow < OW; ow++, o++) {                                                 \
        const long d0 = D_START(od), d1 = D_END(od);                                        \
        const long h0 = H_START(oh), h1 = H_END(oh);                                        \
        const long w0 = W_START(ow), w1 = W_END(ow);

// Visits the bin's cells in row-major order; `i` is the cell's index within its plane.
#define FOR_BIN_CELL                                                                        \
        for (long d = d0; d < d1; d++)                                                      \
        for (long h = h0; h < h1; h++)                                                      \
        for (long i = (d * IH + h) * IW + w0, iEnd = (d * IH + h) * IW + w1; i < iEnd; i++)

#define PLANE_RUN                                                                           \
    const ulong inPlane = (ulong)(ID * IH * IW), outPlane = (ulong)(OD * OH * OW);          \
    const ulong first = get_global_id(0) * chunk;                                           \
    const ulong last = min(planes, first + chunk);                                          \
    ulong p = first;

__kernel void plane_avg(PLANE_PARAMS, __global elem_t* out) {
    PLANE_RUN
    for (; p + 4 <= last; p += 4) {
        __global const elem_t* a = in + p * inPlane;
        __global elem_t* y = out + p * outPlane;
        PLANE_CELLS
            acc_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            FOR_BIN_CELL {
                s0 += LOAD(a, i);
                s1 += LOAD(a, i + inPlane);
                s2 += LOAD(a, i + 2 * inPlane);
                s3 += LOAD(a, i + 3 * inPlane);
            }
            const acc_t kd = (acc_t)(d1 - d0), kh = (acc_t)(h1 - h0), kw = (acc_t)(w1 - w0);
            STORE(y, o, s0 / kd / kh / kw);
            STORE(y, o + outPlane, s1 / kd / kh / kw);
            STORE(y, o + 2 * outPlane, s2 / kd / kh / kw);
            STORE(y, o + 3 * outPlane, s3 / kd / kh / kw);
        }
    }
    for (; p < last; p++) {
        __global const elem_t* a = in + p * inPlane;
        __global elem_t* y = out + p * outPlane;
        PLANE_CELLS
            acc_t s = 0;
            FOR_BIN_CELL {
                s += LOAD(a, i);
            }
            STORE(y, o, s / (acc_t)(d1 - d0) / (acc_t)(h1 - h0) / (acc_t)(w1 - w0));
        }
    }
}

// Four planes' maxima and indices at the cell's bin, by PyTorch's row-major scan.
#define MAX4                                                                                \
            acc_t m0 = -INFINITY, m1 = -INFINITY, m2 = -INFINITY, m3 = -INFINITY;           \
            const long firstCell = (d0 * IH + h0) * IW + w0;                                \
            long i0 = firstCell, i1 = firstCell, i2 = firstCell, i3 = firstCell;            \
            FOR_BIN_CELL {                                                                  \
                const acc_t v0 = LOAD(a, i), v1 = LOAD(a, i + inPlane);                     \
                const acc_t v2 = LOAD(a, i + 2 * inPlane), v3 = LOAD(a, i + 3 * inPlane);   \
                MAX_STEP(m0, i0, v0, i)                                                     \
                MAX_STEP(m1, i1, v1, i)                                                     \
                MAX_STEP(m2, i2, v2, i)                                                     \
                MAX_STEP(m3, i3, v3, i)                                                     \
            }

#define MAX1                                                                                \
            acc_t m = -INFINITY;                                                            \
            long mi = (d0 * IH + h0) * IW + w0;                                             \
            FOR_BIN_CELL {                                                                  \
                const acc_t v = LOAD(a, i);                                                 \
                MAX_STEP(m, mi, v, i)                                                       \
            }

__kernel void plane_max(PLANE_PARAMS, __global elem_t* out) {
    PLANE_RUN
    for (; p + 4 <= last; p += 4) {
        __global const elem_t* a = in + p * inPlane;
        __global elem_t* y = out + p * outPlane;
        PLANE_CELLS
            MAX4
            STORE(y, o, m0);
            STORE(y, o + outPlane, m1);
            STORE(y, o + 2 * outPlane, m2);
            STORE(y, o + 3 * outPlane, m3);
        }
    }
    for (; p < last; p++) {
        __global const elem_t* a = in + p * inPlane;
        __global elem_t* y = out + p * outPlane;
        PLANE_CELLS
            MAX1
            STORE(y, o, m);
        }
    }
}

__kernel void plane_max_indices(PLANE_PARAMS, __global elem_t* out, __global long* indices) {
    PLANE_RUN
    for (; p + 4 <= last; p += 4) {
        __global const elem_t* a = in + p * inPlane;
        __global elem_t* y = out + p * outPlane;
        __global long* n = indices + p * outPlane;
        PLANE_CELLS
            MAX4
            STORE(y, o, m0);
            STORE(y, o + outPlane, m1);
            STORE(y, o + 2 * outPlane, m2);
            STORE(y, o + 3 * outPlane, m3);
            n[o] = i0;
            n[o + outPlane] = i1;
            n[o + 2 * outPlane] = i2;
            n[o + 3 * outPlane] = i3;
        }
    }
    for (; p < last; p++) {
        __global const elem_t* a = in + p * inPlane;
        __global elem_t* y = out + p * outPlane;
        __global long* n = indices + p * outPlane;
        PLANE_CELLS
            MAX1
            STORE(y, o, m);
            n[o] = mi;
        }
    }
}
