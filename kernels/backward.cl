// Backward passes as gathers (float32 programs): one work-item per input cell, which sums the
// contributions of the output cells that reach it and writes its own gradient once. No two work-items
// write one cell and each sum has a fixed order, so the result is the same bits on every run (unlike
// scatters with atomic adds).
//   avg (CLPOOL_MODE 0): grad_in[i] = sum of grad_out[o] / kd / kh / kw over the output cells o whose bins
//        contain i;
//   max (CLPOOL_MODE 2): grad_in[i] = sum of grad_out[o] over the output cells o whose bins contain i and
//        whose index is i (the host checked every index lies in its cell's bin, so those are all of them).
// Sums start at +0 and run over o in row-major order: the order libtorch's CPU kernels scatter in, so the
// sums are theirs, and the Java path's bit for bit.
//
// Arguments: gout, bins (the forward bins), cover = [d_first[ID], d_end[ID], h_first[IH], h_end[IH],
// w_first[IW], w_end[IW]] (the output cells [first, end) whose bins contain each input position), the
// sizes, count, chunk, span, step (work-items take input cells as cell.cl takes output cells), indices
// (max; NULL for avg), gin.

__kernel void backward_gather(__global const elem_t* gout, __global const long* bins, __global const long* cover,
                              const long ID, const long IH, const long IW, const long OD, const long OH, const long OW,
                              const ulong count, const ulong chunk, const ulong span, const ulong step,
                              __global const long* indices, __global elem_t* gin) {
    const ulong inPlane = (ulong)(ID * IH * IW), outPlane = (ulong)(OD * OH * OW);
    const bool narrow = count <= 0xffffffffUL;
    for (ulong i = get_global_id(0) * chunk, end = min(count, i + span); i < end; i += step) {
        ulong plane;
        long c, id, ih, iw;
        element_coordinates(i, narrow, 0, ID, IH, IW, &plane, &c, &id, &ih, &iw);
        const long self = (id * IH + ih) * IW + iw;
        __global const elem_t* g = gout + plane * outPlane;
        acc_t sum = 0;
        for (long od = cover[id]; od < cover[ID + id]; od++) {
            for (long oh = cover[2 * ID + ih]; oh < cover[2 * ID + IH + ih]; oh++) {
                for (long ow = cover[2 * ID + 2 * IH + iw]; ow < cover[2 * ID + 2 * IH + IW + iw]; ow++) {
                    const long o = (od * OH + oh) * OW + ow;
                    if (POOL_MAX) {
                        if (indices[plane * outPlane + o] == self) {
                            sum += LOAD(g, o);
                        }
                    } else {
                        sum += bin_mean(LOAD(g, o), bin_at(bins, OD, OH, OW, od, oh, ow)); // PyTorch's grad_delta
                    }
                }
            }
        }
        STORE(gin, i, sum);
    }
}
