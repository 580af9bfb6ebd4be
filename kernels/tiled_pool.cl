// Tiled pooling for 2-d inputs (ID = OD = 1) with bins of several cells: one work-group per tile.
//
// Entry points: tiled_avg, tiled_max, tiled_max_indices.
// A tile's input is one contiguous span of the tensor, so that it is read once, coalesced:
//   plane mode (R = OH): G whole planes, [tile * G, tile * G + G);
//   band mode  (G = 1):  the input rows that output rows [oh0, oh0 + R) of one plane need.
// Phase 1 stages the span in local memory. Phase 2 computes the tile's output cells from local
// memory, L lanes per cell (L a power of two dividing the work-group size): lane l takes the bin's
// columns w0 + l, w0 + l + L, ... of every row, and lane 0 combines the lane partials in lane order.
// Launches may be split: work-group k pools tile `firstTile + k`.
//
// Tuning parameters (host-chosen per plan, see TiledGeometry): G, R, L, the work-group size, and the
// local memory sizes of `tile` (the largest span), `partial` and `partialIdx` (one per work-item).
// Coordinates within a plane are ints: the host tiles only planes of fewer than 2^31 cells.

#define TILED_PARAMS                                                                        \
    __global const float* in, __global const long* bins,                                   \
    const long IH, const long IW, const long OH, const long OW, const long planes,          \
    const long G, const long R, const long L, const ulong firstTile,                        \
    __local float* tile, __local float* partial, __local long* partialIdx

// Locates the tile, stages its span and leaves the tile's geometry in local variables.
#define TILED_STAGE                                                                         \
    const long OD = 1;                                                                      \
    const int lid = (int)get_local_id(0);                                                   \
    const int T = (int)get_local_size(0);                                                   \
    const ulong t = firstTile + get_group_id(0);                                            \
    const long rowTiles = (OH + R - 1) / R;                                                 \
    const long plane0 = (long)(t / (ulong)rowTiles) * G;                                    \
    const long oh0 = (long)(t % (ulong)rowTiles) * R;                                       \
    const int nplanes = (int)min(G, planes - plane0);                                       \
    const int nrows = (int)min(R, OH - oh0);                                                \
    const long hs = H_START(oh0);                                                           \
    const int spanRows = (int)(H_END(oh0 + nrows - 1) - hs);                                \
    const int planeSpan = spanRows * (int)IW;                                               \
    {                                                                                       \
        __global const float* src = in + (plane0 * IH + hs) * IW;                           \
        const int len = nplanes * planeSpan;                                                \
        for (int i = lid; i < len; i += T) {                                                \
            tile[i] = src[i];                                                               \
        }                                                                                   \
    }                                                                                       \
    barrier(CLK_LOCAL_MEM_FENCE);                                                           \
    const int cellsPerPlane = nrows * (int)OW;                                              \
    const int cells = nplanes * cellsPerPlane;                                              \
    const int lanes = (int)L;                                                               \
    const int lane = lid % lanes;

// Opens the loop over the tile's cells (a uniform trip count, so barriers inside are legal) and
// finds cell c's bin; `valid` is false for the slots past the last cell.
#define TILED_CELL_LOOP                                                                     \
    for (int base = 0; base < cells; base += T / lanes) {                                   \
        const int c = base + lid / lanes;                                                   \
        const bool valid = c < cells;                                                       \
        const int p = valid ? c / cellsPerPlane : 0;                                        \
        const int r = valid ? c % cellsPerPlane : 0;                                        \
        const long oh = oh0 + r / (int)OW, ow = r % (int)OW;                                \
        const int h0 = (int)H_START(oh), h1 = valid ? (int)H_END(oh) : h0;                  \
        const int w0 = (int)W_START(ow), w1 = (int)W_END(ow);                               \
        const int rowBase = p * planeSpan - (int)hs * (int)IW; /* + h * IW + w >= 0 */      \
        const ulong o = (ulong)(plane0 + p) * (ulong)(OH * OW) + (ulong)(oh * OW + ow);

__kernel void tiled_avg(TILED_PARAMS, __global float* out) {
    TILED_STAGE
    TILED_CELL_LOOP
        float sum = 0.0f;
        for (int h = h0; h < h1; h++) {
            const int row = rowBase + h * (int)IW;
            for (int w = w0 + lane; w < w1; w += lanes) {
                sum += tile[row + w];
            }
        }
        if (lanes > 1) {
            partial[lid] = sum;
            barrier(CLK_LOCAL_MEM_FENCE);
            if (lane == 0) {
                for (int k = 1; k < lanes; k++) {
                    sum += partial[lid + k];
                }
            }
            barrier(CLK_LOCAL_MEM_FENCE);
        }
        if (valid && lane == 0) {
            out[o] = sum / (float)(h1 - h0) / (float)(w1 - w0);
        }
    }
}

// Lane partial maximum by a row-major scan of the lane's columns, then the lanes combined.
#define TILED_MAX                                                                           \
        float m = -INFINITY;                                                                \
        int mi = h0 * (int)IW + w0 + lane;                                                  \
        for (int h = h0; h < h1; h++) {                                                     \
            const int row = rowBase + h * (int)IW;                                          \
            for (int w = w0 + lane; w < w1; w += lanes) {                                   \
                const float v = tile[row + w];                                              \
                MAX_STEP(m, mi, v, h * (int)IW + w)                                         \
            }                                                                               \
        }                                                                                   \
        if (lanes > 1) {                                                                    \
            partial[lid] = m;                                                               \
            partialIdx[lid] = mi;                                                           \
            barrier(CLK_LOCAL_MEM_FENCE);                                                   \
            if (lane == 0) {                                                                \
                long best = mi;                                                             \
                for (int k = 1; k < lanes; k++) {                                           \
                    max_combine(&m, &best, partial[lid + k], partialIdx[lid + k]);          \
                }                                                                           \
                mi = (int)best;                                                             \
            }                                                                               \
            barrier(CLK_LOCAL_MEM_FENCE);                                                   \
        }

__kernel void tiled_max(TILED_PARAMS, __global float* out) {
    TILED_STAGE
    TILED_CELL_LOOP
        TILED_MAX
        if (valid && lane == 0) {
            out[o] = m;
        }
    }
}

__kernel void tiled_max_indices(TILED_PARAMS, __global float* out, __global long* indices) {
    TILED_STAGE
    TILED_CELL_LOOP
        TILED_MAX
        if (valid && lane == 0) {
            out[o] = m;
            indices[o] = mi;
        }
    }
}
