// Channels last on CPU devices: a work-item pools NHWC_BLOCK neighbouring channels of one output cell at
// once, so that its inner loops run along contiguous channels (the compiler vectorizes them) while each
// channel is still pooled over its bin in row-major order, as the planar kernels pool a plane.
//
// Extra arguments: C, count, chunk, span, step: task t of count is (n, output cell, channel block), the
// block fastest; work-items take runs of tasks as in cell.cl.
// Tuning: NHWC_BLOCK, channels per task (16 floats: one 64-byte cache line).

#ifndef NHWC_BLOCK
#define NHWC_BLOCK 16
#endif

__kernel void channels_last_blocks(POOL_ARGS, const long C, const ulong count, const ulong chunk, const ulong span,
                                   const ulong step) {
    const long blocks = (C + NHWC_BLOCK - 1) / NHWC_BLOCK;
    const ulong cells = (ulong)(ID * IH * IW);
    acc_t value[NHWC_BLOCK];
    long index[NHWC_BLOCK];
    for (ulong t = get_global_id(0) * chunk, end = min(count, t + span); t < end; t += step) {
        ulong n;
        long block, od, oh, ow;
        element_coordinates(t, false, blocks, OD, OH, OW, &n, &block, &od, &oh, &ow);
        const long c0 = block * NHWC_BLOCK;
        const bin_t b = bin_at(bins, OD, OH, OW, od, oh, ow);
        const long base = (long)(n * cells) * C + c0;
        const ulong o = (((n * (ulong)OD + od) * (ulong)OH + oh) * (ulong)OW + ow) * (ulong)C + c0;
        if (C - c0 >= NHWC_BLOCK) {
            pool_bins(in, base, 1, C, IH, IW, b, NHWC_BLOCK, value, index);
            store_bins(out, indices, o, 1, NHWC_BLOCK, value, index);
        } else {
            for (long c = 0; c < C - c0; c++) {
                pool_bins(in, base + c, 0, C, IH, IW, b, 1, value, index);
                store_bins(out, indices, o + c, 0, 1, value, index);
            }
        }
    }
}
