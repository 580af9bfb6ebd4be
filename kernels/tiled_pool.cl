// Tiled pooling for 2-d inputs (ID = OD = 1) with bins of several cells: one work-group per tile.
//
// Entry points: tiled_avg, tiled_max, tiled_max_indices.
// A tile's input is one contiguous span of the tensor, so that it is read once, coalesced:
//   plane mode (R = OH): G whole planes, [tile * G, tile * G + G);
//   band mode  (G = 1):  the input rows that output rows [oh0, oh0 + R) of one plane need.
// Phase 1 stages the span in local memory. Phase 2 computes each output cell of the tile from local
// memory, one work-item per cell, scanning its bin in PyTorch's row-major order: averages are the same
// sums as the cell kernel's and PyTorch's CPU kernel's, bit for bit.
// Element i of the span is kept at PAD(i) = i + i / 32: neighbouring cells (bins 32 columns apart, or
// planes 196 cells apart) would otherwise read the same local-memory bank in lockstep.
// Launches may be split: work-group k pools tile `firstTile + k`.
//
// Tuning parameters (host-chosen per plan, see TiledGeometry): G, R, the work-group size, and the
// local memory size of `tile` (the largest span). Coordinates within a plane are ints: the host tiles
// only planes of fewer than 2^31 cells.

#define TILED_PARAMS                                                                        \
    __global const elem_t* in, __global const long* bins,                                   \
    const long IH, const long IW, const long OH, const long OW, const long planes,          \
    const long G, const long R, const ulong firstTile, __local acc_t* tile

#define PAD(i) ((i) + ((i) >> 5))

// Locates the tile, stages its span, then opens the loop over the tile's cells, finding cell c's bin.
#define TILED_CELL_LOOP                                                                     \
    const long OD = 1;                                                                      \
    const int lid = (int)get_local_id(0);                                                   \
    const int T = (int)get_local_size(0);                                                   \
    const ulong t = firstTile + get_group_id(0);                                            \
    const long rowTiles = (OH + R - 1) / R;                                                 \
    const long plane0 = (long)(t / (ulong)rowTiles) * G;                                    \
    const long oh0 = (long)(t % (ulong)rowTiles) * R;                                       \
    const int nplanes = (int)min(G, planes - plane0);                                       \
    const int nrows = (int)min(R, OH - oh0);                                                \
    const int hs = (int)H_START(oh0);                                                       \
    const int planeSpan = ((int)H_END(oh0 + nrows - 1) - hs) * (int)IW;                     \
    {                                                                                       \
        __global const elem_t* src = in + (plane0 * IH + hs) * IW;                           \
        const int len = nplanes * planeSpan;                                                \
        for (int i = lid; i < len; i += T) {                                                \
            tile[PAD(i)] = LOAD(src, i);                                                    \
        }                                                                                   \
    }                                                                                       \
    barrier(CLK_LOCAL_MEM_FENCE);                                                           \
    const int cellsPerPlane = nrows * (int)OW;                                              \
    for (int c = lid; c < nplanes * cellsPerPlane; c += T) {                                \
        const int p = c / cellsPerPlane;                                                    \
        const int r = c % cellsPerPlane;                                                    \
        const long oh = oh0 + r / (int)OW, ow = r % (int)OW;                                \
        const int h0 = (int)H_START(oh), h1 = (int)H_END(oh);                               \
        const int w0 = (int)W_START(ow), w1 = (int)W_END(ow);                               \
        const int rowBase = p * planeSpan - hs * (int)IW; /* + h * IW + w >= 0 */           \
        const ulong o = (ulong)(plane0 + p) * (ulong)(OH * OW) + (ulong)(oh * OW + ow);

__kernel void tiled_avg(TILED_PARAMS, __global elem_t* out) {
    TILED_CELL_LOOP
        acc_t sum = 0;
        for (int h = h0; h < h1; h++) {
            const int row = rowBase + h * (int)IW;
            for (int w = w0; w < w1; w++) {
                sum += tile[PAD(row + w)];
            }
        }
        STORE(out, o, sum / (acc_t)(h1 - h0) / (acc_t)(w1 - w0));
    }
}

// The bin's maximum m and its index mi (within the plane), by PyTorch's row-major scan.
#define TILED_MAX                                                                           \
        acc_t m = -INFINITY;                                                                \
        int mi = h0 * (int)IW + w0;                                                         \
        for (int h = h0; h < h1; h++) {                                                     \
            const int row = rowBase + h * (int)IW;                                          \
            for (int w = w0; w < w1; w++) {                                                 \
                const acc_t v = tile[PAD(row + w)];                                         \
                MAX_STEP(m, mi, v, h * (int)IW + w)                                         \
            }                                                                               \
        }

__kernel void tiled_max(TILED_PARAMS, __global elem_t* out) {
    TILED_CELL_LOOP
        TILED_MAX
        STORE(out, o, m);
    }
}

__kernel void tiled_max_indices(TILED_PARAMS, __global elem_t* out, __global long* indices) {
    TILED_CELL_LOOP
        TILED_MAX
        STORE(out, o, m);
        indices[o] = mi;
    }
}
