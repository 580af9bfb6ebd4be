// Identity pooling (output size = input size on every axis): each bin is one cell. Max returns it
// unchanged, at its own index (indices count 0, 1, ... within each plane); avg returns PyTorch's
// (0 + x) / 1 / 1 = x + 0, which is x except that -0 becomes +0. A copy, at memory speed.
//
// Entry points: copy_avg, copy_max, copy_max_indices. Work-item g handles elements g * chunk, + step,
// ... below min(count, g * chunk + span), as in cell_pool.cl.

__kernel void copy_avg(__global const elem_t* in, __global elem_t* out, const ulong count,
                       const ulong chunk, const ulong span, const ulong step) {
    for (ulong i = get_global_id(0) * chunk, end = min(count, i + span); i < end; i += step) {
        STORE(out, i, LOAD(in, i) + 0);
    }
}

__kernel void copy_max(__global const elem_t* in, __global elem_t* out, const ulong count,
                       const ulong chunk, const ulong span, const ulong step) {
    for (ulong i = get_global_id(0) * chunk, end = min(count, i + span); i < end; i += step) {
        STORE(out, i, LOAD(in, i));
    }
}

__kernel void copy_max_indices(__global const elem_t* in, __global elem_t* out, const ulong count,
                               const ulong chunk, const ulong span, const ulong step,
                               __global long* indices, const ulong planeSize) {
    for (ulong i = get_global_id(0) * chunk, end = min(count, i + span); i < end; i += step) {
        STORE(out, i, LOAD(in, i));
        indices[i] = (long)(i % planeSize);
    }
}
