// Identity pooling (output size = input size on every axis): each bin is one cell, so the output is
// the input (avg: PyTorch's (0 + x) / 1 / 1 = x + 0, which is x except that -0 becomes +0), and a max
// index is the cell's own spatial index. A copy, at memory speed, in either layout.
//
// Extra arguments: C (0 planar, else channels last with C channels), count, chunk, span, step, as cell.cl.

__kernel void copy(POOL_ARGS, const long C, const ulong count, const ulong chunk, const ulong span, const ulong step) {
    const ulong cells = (ulong)(ID * IH * IW);
    for (ulong i = get_global_id(0) * chunk, end = min(count, i + span); i < end; i += step) {
        const acc_t v = LOAD(in, i);
        STORE(out, i, POOL_MAX ? v : v + 0);
        if (WITH_INDICES) {
            indices[i] = (long)((C > 0 ? i / (ulong)C : i) % cells);
        }
    }
}
