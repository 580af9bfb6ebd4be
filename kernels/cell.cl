// The reference kernel: one work-item per output element, any plan, either layout. The registry's last
// resort, and the GPUs' choice for channels last (neighbouring work-items then read neighbouring channels,
// so every load of a warp is one contiguous run: coalesced, as PyTorch's NHWC kernel).
//
// Extra arguments: C, count, chunk, span, step.
//   C = 0: planar (C order, plane p at in + p * ID * IH * IW);
//   C > 0: channels last, C channels fastest: cell i of channel c of batch element n at
//          in[(n * ID * IH * IW + i) * C + c], outputs likewise.
// Work-item g computes output elements g * chunk, + step, ... below min(count, g * chunk + span), in
// memory order: on GPUs chunk = 1, span = count and step = the global size, so neighbours touch
// neighbours; on CPUs, whose work-items run one after another, chunk = span = a run and step = 1, so
// that each core streams through memory.

__kernel void cell(POOL_ARGS, const long C, const ulong count, const ulong chunk, const ulong span, const ulong step) {
    const ulong begin = get_global_id(0) * chunk;
    const ulong end = min(count, begin + span);
    const bool narrow = count <= 0xffffffffUL;
    const ulong cells = (ulong)(ID * IH * IW);
    const long channels = C > 0 ? C : 1;
    for (ulong o = begin; o < end; o += step) {
        ulong n;
        long c, od, oh, ow;
        element_coordinates(o, narrow, C, OD, OH, OW, &n, &c, &od, &oh, &ow);
        acc_t value[1];
        long index[1];
        pool_bins(in, (long)(n * cells * channels) + c, 0, channels, IH, IW, bin_at(bins, OD, OH, OW, od, oh, ow), 1,
                  value, index);
        store_bins(out, indices, o, 0, 1, value, index);
    }
}
