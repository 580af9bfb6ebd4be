// For CPU devices, whose work-items are loops of one thread: a work-item pools a run of whole planes,
// PLANES_SIDE of them side by side. Their bins are the same, so PLANES_SIDE independent sums (or scans)
// run in the core's pipeline at once instead of waiting on each addition, each in PyTorch's order.
//
// Extra argument: chunk; work-item g pools planes [g * chunk, min(planes, (g + 1) * chunk)).
// Tuning: PLANES_SIDE, planes side by side (8 keeps 8 chains of 4-cycle adds on 2 add pipes busy).

#ifndef PLANES_SIDE
#define PLANES_SIDE 8
#endif

__kernel void planes(POOL_ARGS, const ulong chunk) {
    const long inPlane = ID * IH * IW;
    const ulong outPlane = (ulong)(OD * OH * OW);
    const ulong first = get_global_id(0) * chunk;
    const ulong last = min(planes, first + chunk);
    acc_t value[PLANES_SIDE];
    long index[PLANES_SIDE];
    ulong p = first;
    for (; p + PLANES_SIDE <= last; p += PLANES_SIDE) {
        ulong o = p * outPlane;
        for (long od = 0; od < OD; od++) {
            for (long oh = 0; oh < OH; oh++) {
                for (long ow = 0; ow < OW; ow++, o++) {
                    pool_bins(in, (long)p * inPlane, inPlane, 1, IH, IW, bin_at(bins, OD, OH, OW, od, oh, ow), PLANES_SIDE,
                              value, index);
                    store_bins(out, indices, o, outPlane, PLANES_SIDE, value, index);
                }
            }
        }
    }
    for (; p < last; p++) {
        ulong o = p * outPlane;
        for (long od = 0; od < OD; od++) {
            for (long oh = 0; oh < OH; oh++) {
                for (long ow = 0; ow < OW; ow++, o++) {
                    pool_bins(in, (long)p * inPlane, 0, 1, IH, IW, bin_at(bins, OD, OH, OW, od, oh, ow), 1, value, index);
                    store_bins(out, indices, o, 0, 1, value, index);
                }
            }
        }
    }
}
