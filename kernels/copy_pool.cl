// Identity pooling (output size = input size on every axis): each bin is one cell, so avg and max
// both return the input unchanged (x / 1 / 1 == x; -inf stays -inf at its own index) and indices
// count 0, 1, ... within each plane. A copy, at memory speed.
//
// Entry points: copy_values, copy_values_indices. Work-item g copies elements g, g + S, ... below
// count, S the global size (see cell_pool.cl).

__kernel void copy_values(__global const float* in, __global float* out, const ulong count) {
    for (ulong i = get_global_id(0); i < count; i += get_global_size(0)) {
        out[i] = in[i];
    }
}

__kernel void copy_values_indices(__global const float* in, __global float* out, __global long* indices,
                                  const ulong planeSize, const ulong count) {
    for (ulong i = get_global_id(0); i < count; i += get_global_size(0)) {
        out[i] = in[i];
        indices[i] = (long)(i % planeSize);
    }
}
