// Tiled pooling for 2-d inputs (ID = OD = 1) on GPUs: a work-group stages a tile of the input in local
// memory, read once and coalesced, then computes the tile's output cells from there, one work-item per
// cell, each bin in PyTorch's row-major order (the sums of every other kernel, bit for bit).
//   plane mode (R = OH): G whole planes, [tile * G, tile * G + G);
//   band mode  (G = 1):  the input rows that output rows [oh0, oh0 + R) of one plane need.
//
// Extra arguments: G, R, firstTile (work-group k pools tile firstTile + k: launches may be split), and
// `tile`, local memory for the largest tile's span (padded, see PAD). The host chooses G, R and the
// work-group size per plan (TiledGeometry) and tiles only planes of fewer than 2^31 cells.

__kernel void tiled(POOL_ARGS, const long G, const long R, const ulong firstTile, __local acc_t* tile) {
    const int lid = (int)get_local_id(0);
    const int T = (int)get_local_size(0);
    const ulong t = firstTile + get_group_id(0);
    const long rowTiles = (OH + R - 1) / R;
    const long plane0 = (long)(t / (ulong)rowTiles) * G;
    const long oh0 = (long)(t % (ulong)rowTiles) * R;
    const int nplanes = (int)min(G, (long)planes - plane0);
    const int nrows = (int)min(R, OH - oh0);
    // With OD = 1 the table starts [d_start, d_end, h_start[OH], h_end[OH], ...].
    const long hs = bins[2 + oh0];
    const long planeSpan = (bins[2 + OH + oh0 + nrows - 1] - hs) * IW;
    __global const elem_t* src = in + (plane0 * IH + hs) * IW;
    for (long i = lid; i < nplanes * planeSpan; i += T) {
        tile[PAD(i)] = LOAD(src, i);
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    const long cellsPerPlane = nrows * OW;
    acc_t value[1];
    long index[1];
    for (long c = lid; c < nplanes * cellsPerPlane; c += T) {
        const long p = c / cellsPerPlane;
        const long r = c % cellsPerPlane;
        const long oh = oh0 + r / OW;
        const long ow = r % OW;
        // Cell (h, w) of plane p is at p * planeSpan + (h - hs) * IW + w in the tile.
        pool_bins_local(tile, p * planeSpan - hs * IW, 0, 1, IH, IW, bin_at(bins, 1, OH, OW, 0, oh, ow), 1, value, index);
        store_bins(out, indices, (ulong)(plane0 + p) * (ulong)(OH * OW) + (ulong)(oh * OW + ow), 0, 1, value, index);
    }
}
