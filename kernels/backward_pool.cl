// Backward passes as gathers: one work-item per input cell, which sums the contributions of the output
// cells that reach it and writes its own gradient once. No two work-items write one cell and each sum
// has a fixed order, so the result is the same bits on every run (unlike scatters with atomic adds).
//
// Entry points: backward_avg, backward_max.
//   avg: grad_in[i] = sum over output cells o whose bins contain i of grad_out[o] / kd / kh / kw;
//   max: grad_in[i] = sum over output cells o whose bins contain i and whose index is i of grad_out[o].
// Sums start at +0 and run over o in row-major order: the order libtorch's CPU kernels scatter in, so
// the sums are theirs, and the Java path's (JavaBackward) bit for bit. Max indices are checked on the
// host to lie in their output cell's bin (as every forward index does), so the bins containing i hold
// every o that can name i.
//
// Tables from the host, longs:
//   bins  = the forward bins, as in common.cl (for the bin lengths kd, kh, kw);
//   cover = [d_first[ID], d_end[ID], h_first[IH], h_end[IH], w_first[IW], w_end[IW]]: the output cells
//           [first, end) along each axis whose bins contain each input position.
// Work-items are spread over input cells as cell_pool.cl spreads output cells (count, chunk, span,
// step), and locate a cell with its cell_coordinates, here over the input's ID x IH x IW.
// Uses: common.cl (element macros, bin macros), cell_pool.cl (cell_coordinates).

#define COVER_D_FIRST(i) cover[(i)]
#define COVER_D_END(i)   cover[ID + (i)]
#define COVER_H_FIRST(i) cover[2 * ID + (i)]
#define COVER_H_END(i)   cover[2 * ID + IH + (i)]
#define COVER_W_FIRST(i) cover[2 * ID + 2 * IH + (i)]
#define COVER_W_END(i)   cover[2 * ID + 2 * IH + IW + (i)]

#define BACKWARD_PARAMS                                                                     \
    __global const elem_t* gout, __global const long* bins, __global const long* cover,      \
    const long ID, const long IH, const long IW,                                            \
    const long OD, const long OH, const long OW,                                            \
    const ulong count, const ulong chunk, const ulong span, const ulong step

// Opens the loop over this work-item's input cells `i` (self: the index within the plane) and over the
// output cells o (row-major) whose bins contain it; `g` is the plane's output gradient.
#define BACKWARD_LOOP                                                                       \
    const ulong begin = get_global_id(0) * chunk;                                           \
    const ulong end = min(count, begin + span);                                             \
    const bool narrow = count <= 0xffffffffUL;                                              \
    const ulong inPlane = (ulong)(ID * IH * IW), outPlane = (ulong)(OD * OH * OW);          \
    for (ulong i = begin; i < end; i += step) {                                             \
        long id, ih, iw;                                                                    \
        ulong plane;                                                                        \
        cell_coordinates(i, narrow, ID, IH, IW, &id, &ih, &iw, &plane);                     \
        const long self = (id * IH + ih) * IW + iw;                                         \
        __global const elem_t* g = gout + plane * outPlane;                                 \
        acc_t sum = 0;                                                                      \
        for (long od = COVER_D_FIRST(id); od < COVER_D_END(id); od++)                       \
        for (long oh = COVER_H_FIRST(ih); oh < COVER_H_END(ih); oh++)                       \
        for (long ow = COVER_W_FIRST(iw); ow < COVER_W_END(iw); ow++) {                     \
            const long o = (od * OH + oh) * OW + ow;

#define BACKWARD_END                                                                        \
        }                                                                                   \
        STORE(gin, i, sum);                                                                 \
    }

__kernel void backward_avg(BACKWARD_PARAMS, __global elem_t* gin) {
    BACKWARD_LOOP
        // PyTorch's grad_delta: divided by each bin length in turn.
        sum += LOAD(g, o) / (acc_t)(D_END(od) - D_START(od)) / (acc_t)(H_END(oh) - H_START(oh))
                / (acc_t)(W_END(ow) - W_START(ow));
    BACKWARD_END
}

__kernel void backward_max(BACKWARD_PARAMS, __global const long* indices, __global elem_t* gin) {
    BACKWARD_LOOP
        if (indices[plane * outPlane + o] == self) {
            sum += LOAD(g, o);
        }
    BACKWARD_END
}
