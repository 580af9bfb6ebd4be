// Pyramid pooling: several output sizes ("levels", e.g. 1, 2, 3, 6 as in PSPNet and SPP) in one pass
// over the input. A work-group stages G whole planes in local memory once, as tiled_pool.cl's plane
// mode does, then computes the cells of every level for those planes from local memory, one work-item
// per cell. Each bin is summed (or scanned) in PyTorch's row-major order and divided by kd, kh, kw in
// turn, so every level is bit for bit what a pooling to that size alone gives.
//
// Entry points: pyramid_avg, pyramid_max, pyramid_max_indices.
// Tables from the host, longs:
//   allBins = the levels' bin tables one after another, each laid out as common.cl says;
//   levels  = per level, 5 longs: OD, OH, OW, the offset of its bin table in allBins, and the offset
//             of its region in out (and indices), which holds the level's planes one after another.
// cellsPerPlane is the levels' output cells per plane, summed. Element i of the staged span is kept at
// PAD(i) (tiled_pool.cl). Launches may be split: work-group k pools the planes of tile firstTile + k.
// In-plane coordinates are ints: the host stages only planes that fit in local memory.
// The host falls back to one launch per level of the other kernels where a plane does not fit in local
// memory (then the input is read once per level).
// Uses: common.cl (element macros, bin macros, MAX_STEP), tiled_pool.cl (PAD).
// (CPU devices use the plane-run kernels at the end of this file instead.)

#define PYRAMID_PARAMS                                                                      \
    __global const elem_t* in, __global const long* allBins, __global const long* levels,    \
    const long L, const long cellsPerPlane, const long ID, const long IH, const long IW,    \
    const long planes, const long G, const ulong firstTile, __local acc_t* tile

// Stages the tile's planes, then opens the loop over their cells of every level: cell r of plane p of
// level `level`, whose bin is [d0, d1) x [h0, h1) x [w0, w1); `base` is the plane's start in the tile
// and `o` the cell's place in out.
#define PYRAMID_CELL_LOOP                                                                   \
    const int lid = (int)get_local_id(0);                                                   \
    const int T = (int)get_local_size(0);                                                   \
    const long plane0 = (long)(firstTile + get_group_id(0)) * G;                            \
    const int nplanes = (int)min(G, planes - plane0);                                       \
    const int inPlane = (int)(ID * IH * IW);                                                \
    {                                                                                       \
        __global const elem_t* src = in + plane0 * inPlane;                                 \
        const int len = nplanes * inPlane;                                                  \
        for (int i = lid; i < len; i += T) {                                                \
            tile[PAD(i)] = LOAD(src, i);                                                    \
        }                                                                                   \
    }                                                                                       \
    barrier(CLK_LOCAL_MEM_FENCE);                                                           \
    for (long c = lid; c < nplanes * cellsPerPlane; c += T) {                               \
        const int p = (int)(c / cellsPerPlane);                                             \
        long r = c % cellsPerPlane;                                                         \
        int level = 0;                                                                      \
        while (r >= levels[5 * level] * levels[5 * level + 1] * levels[5 * level + 2]) {    \
            r -= levels[5 * level] * levels[5 * level + 1] * levels[5 * level + 2];         \
            level++;                                                                        \
        }                                                                                   \
        const long OD = levels[5 * level], OH = levels[5 * level + 1], OW = levels[5 * level + 2]; \
        __global const long* bins = allBins + levels[5 * level + 3];                         \
        const long ow = r % OW, oh = r / OW % OH, od = r / OW / OH;                          \
        const int d0 = (int)D_START(od), d1 = (int)D_END(od);                               \
        const int h0 = (int)H_START(oh), h1 = (int)H_END(oh);                               \
        const int w0 = (int)W_START(ow), w1 = (int)W_END(ow);                               \
        const int base = p * inPlane;                                                       \
        const ulong o = (ulong)levels[5 * level + 4] + (ulong)(plane0 + p) * (ulong)(OD * OH * OW) + (ulong)r;

__kernel void pyramid_avg(PYRAMID_PARAMS, __global elem_t* out) {
    PYRAMID_CELL_LOOP
        acc_t sum = 0;
        for (int d = d0; d < d1; d++) {
            for (int h = h0; h < h1; h++) {
                const int row = base + (d * (int)IH + h) * (int)IW;
                for (int w = w0; w < w1; w++) {
                    sum += tile[PAD(row + w)];
                }
            }
        }
        STORE(out, o, sum / (acc_t)(d1 - d0) / (acc_t)(h1 - h0) / (acc_t)(w1 - w0));
    }
}

// The bin's maximum m and its index mi (within the plane), by PyTorch's row-major scan.
#define PYRAMID_MAX                                                                         \
        acc_t m = -INFINITY;                                                                \
        int mi = (d0 * (int)IH + h0) * (int)IW + w0;                                        \
        for (int d = d0; d < d1; d++) {                                                     \
            for (int h = h0; h < h1; h++) {                                                 \
                const int row = (d * (int)IH + h) * (int)IW;                                \
                for (int w = w0; w < w1; w++) {                                             \
                    const acc_t v = tile[PAD(base + row + w)];                              \
                    MAX_STEP(m, mi, v, row + w)                                             \
                }                                                                           \
            }                                                                               \
        }

__kernel void pyramid_max(PYRAMID_PARAMS, __global elem_t* out) {
    PYRAMID_CELL_LOOP
        PYRAMID_MAX
        STORE(out, o, m);
    }
}

__kernel void pyramid_max_indices(PYRAMID_PARAMS, __global elem_t* out, __global long* indices) {
    PYRAMID_CELL_LOOP
        PYRAMID_MAX
        STORE(out, o, m);
        indices[o] = mi;
    }
}

// CPU devices, whose work-items are loops of one thread: one work-item per run of whole planes, which
// pools each plane to every level before it reads the next, so that the plane stays in the core's
// cache while the levels read it (local memory is no nearer than that cache on a CPU). The same sums
// in the same order as every other kernel.
//
// Entry points: pyramid_planes_avg, pyramid_planes_max, pyramid_planes_max_indices.
// Work-item g pools planes [g * chunk, min(planes, (g + 1) * chunk)); tables as above.
// Uses: plane_pool.cl (PLANE_CELLS, FOR_BIN_CELL, MAX1).

#define PYRAMID_PLANES_PARAMS                                                               \
    __global const elem_t* in, __global const long* allBins, __global const long* levels,    \
    const long L, const long ID, const long IH, const long IW,                              \
    const ulong planes, const ulong chunk

// Opens the loops over this work-item's planes and, per plane, over the levels; `a` is the plane and
// `at` where its cells of the level go in out.
#define PYRAMID_PLANE_LEVELS                                                                \
    const ulong inPlane = (ulong)(ID * IH * IW);                                            \
    const ulong first = get_global_id(0) * chunk;                                           \
    const ulong last = min(planes, first + chunk);                                          \
    for (ulong p = first; p < last; p++) {                                                  \
        __global const elem_t* a = in + p * inPlane;                                        \
        for (long level = 0; level < L; level++) {                                          \
            const long OD = levels[5 * level], OH = levels[5 * level + 1], OW = levels[5 * level + 2]; \
            __global const long* bins = allBins + levels[5 * level + 3];                     \
            const ulong at = (ulong)levels[5 * level + 4] + p * (ulong)(OD * OH * OW);

#define PYRAMID_PLANE_LEVELS_END                                                            \
        }                                                                                   \
    }

__kernel void pyramid_planes_avg(PYRAMID_PLANES_PARAMS, __global elem_t* out) {
    PYRAMID_PLANE_LEVELS
        PLANE_CELLS
            acc_t s = 0;
            FOR_BIN_CELL {
                s += LOAD(a, i);
            }
            STORE(out, at + o, s / (acc_t)(d1 - d0) / (acc_t)(h1 - h0) / (acc_t)(w1 - w0));
        }
    PYRAMID_PLANE_LEVELS_END
}

__kernel void pyramid_planes_max(PYRAMID_PLANES_PARAMS, __global elem_t* out) {
    PYRAMID_PLANE_LEVELS
        PLANE_CELLS
            MAX1
            STORE(out, at + o, m);
        }
    PYRAMID_PLANE_LEVELS_END
}

__kernel void pyramid_planes_max_indices(PYRAMID_PLANES_PARAMS, __global elem_t* out, __global long* indices) {
    PYRAMID_PLANE_LEVELS
        PLANE_CELLS
            MAX1
            STORE(out, at + o, m);
            indices[at + o] = mi;
        }
    PYRAMID_PLANE_LEVELS_END
}
