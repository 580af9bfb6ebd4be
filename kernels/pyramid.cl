// Pyramid pooling (float32 programs): every level's cells from one read of the input.
//
// Tables from the host, longs:
//   allBins = the levels' bin tables (as common.cl's), one after another;
//   levels  = 5 longs per level: OD, OH, OW, where its bins start in allBins, where its outputs start in
//             out (each level's planes one after another).

// The level of cell r of a plane (cells of every level in turn), and r within that level.
inline int level_of(__global const long* levels, long* r) {
    int level = 0;
    while (*r >= levels[5 * level] * levels[5 * level + 1] * levels[5 * level + 2]) {
        *r -= levels[5 * level] * levels[5 * level + 1] * levels[5 * level + 2];
        level++;
    }
    return level;
}

// GPUs: a work-group stages G whole planes in local memory (PAD, as tiled.cl) and computes every level's
// cells of them from there, one work-item per cell. Work-group k stages planes [(firstTile + k) * G, + G).
__kernel void pyramid_staged(__global const elem_t* in, __global const long* allBins, __global const long* levels,
                             const long cellsPerPlane, const long ID, const long IH, const long IW, const ulong planes,
                             const long G, const ulong firstTile, __local acc_t* tile,
                             __global elem_t* out, __global long* indices) {
    const int lid = (int)get_local_id(0);
    const int T = (int)get_local_size(0);
    const long plane0 = (long)(firstTile + get_group_id(0)) * G;
    const long nplanes = min(G, (long)planes - plane0);
    const long inPlane = ID * IH * IW;
    for (long i = lid; i < nplanes * inPlane; i += T) {
        tile[PAD(i)] = LOAD(in, plane0 * inPlane + i);
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    acc_t value[1];
    long index[1];
    for (long c = lid; c < nplanes * cellsPerPlane; c += T) {
        const long p = c / cellsPerPlane;
        long r = c % cellsPerPlane;
        const int l = level_of(levels, &r);
        const long OD = levels[5 * l], OH = levels[5 * l + 1], OW = levels[5 * l + 2];
        const bin_t b = bin_at(allBins + levels[5 * l + 3], OD, OH, OW, r / OW / OH, r / OW % OH, r % OW);
        pool_bins_local(tile, p * inPlane, 0, 1, IH, IW, b, 1, value, index);
        store_bins(out, indices, (ulong)levels[5 * l + 4] + (ulong)(plane0 + p) * (ulong)(OD * OH * OW) + (ulong)r, 0, 1,
                   value, index);
    }
}

// CPU devices: a work-item pools a run of planes, PLANES_SIDE side by side (as planes.cl), to every level
// before it reads the next ones, so the planes stay in the core's cache while the levels read them.
// Work-item g pools planes [g * chunk, min(planes, (g + 1) * chunk)).
__kernel void pyramid_planes(__global const elem_t* in, __global const long* allBins, __global const long* levels,
                             const long L, const long ID, const long IH, const long IW, const ulong planes,
                             const ulong chunk, __global elem_t* out, __global long* indices) {
    const long inPlane = ID * IH * IW;
    const ulong first = get_global_id(0) * chunk;
    const ulong last = min(planes, first + chunk);
    acc_t value[PLANES_SIDE];
    long index[PLANES_SIDE];
    for (ulong p = first; p < last;) {
        const int side = p + PLANES_SIDE <= last ? PLANES_SIDE : 1;
        for (long l = 0; l < L; l++) {
            const long OD = levels[5 * l], OH = levels[5 * l + 1], OW = levels[5 * l + 2];
            __global const long* bins = allBins + levels[5 * l + 3];
            const ulong outPlane = (ulong)(OD * OH * OW);
            ulong o = (ulong)levels[5 * l + 4] + p * outPlane;
            for (long od = 0; od < OD; od++) {
                for (long oh = 0; oh < OH; oh++) {
                    for (long ow = 0; ow < OW; ow++, o++) {
                        const bin_t b = bin_at(bins, OD, OH, OW, od, oh, ow);
                        if (side == PLANES_SIDE) {
                            pool_bins(in, (long)p * inPlane, inPlane, 1, IH, IW, b, PLANES_SIDE, value, index);
                            store_bins(out, indices, o, outPlane, PLANES_SIDE, value, index);
                        } else {
                            pool_bins(in, (long)p * inPlane, 0, 1, IH, IW, b, 1, value, index);
                            store_bins(out, indices, o, 0, 1, value, index);
                        }
                    }
                }
            }
        }
        p += side;
    }
}
