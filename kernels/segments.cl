// Segment-transpose pooling for GPUs, planar 1-d to 3-d: SEG_CELLS output cells per work-group, one
// work-item per cell, its sum (or scan) in a register. The group takes its cells' bins in steps of
// SEG_STEP elements of every bin, in each bin's row-major order: for each of its cells in turn, a warp's
// SEG_STEP work-items load SEG_STEP consecutive elements of that bin (one coalesced load where the bin's
// rows are long), all loads before any store, and store them transposed, tile[k * SEG_PITCH + cell];
// after a barrier each work-item takes tile[k * SEG_PITCH + its cell] for k = 0, 1, ... in order. A pitch
// of SEG_CELLS + 1 makes both the stores and the reads conflict-free. Every bin is visited in PyTorch's
// row-major order by one work-item, so the results are every other kernel's bit for bit, max included.
// A bin is kd x kh runs of kw contiguous elements, or kd runs of kh x kw when it spans whole rows (kw = IW,
// as in global pooling).
//
// Extra argument: firstGroup (work-group k pools cells [(firstGroup + k) * SEG_CELLS, + SEG_CELLS): launches
// may be split). The host launches work-groups of exactly SEG_CELLS and only for planes of fewer than 2^31
// cells. Tuning: SEG_CELLS, a multiple of SEG_STEP.

#ifndef SEG_CELLS
#define SEG_CELLS 128
#endif
#define SEG_STEP 32
#define SEG_PITCH (SEG_CELLS + 1)

__kernel __attribute__((reqd_work_group_size(SEG_CELLS, 1, 1)))
void segments(POOL_ARGS, const ulong firstGroup) {
    __local acc_t tile[SEG_STEP * SEG_PITCH];
    __local long runStart[SEG_CELLS];  // each cell's first input element
    __local int runLength[SEG_CELLS];  // elements per contiguous run of its bin
    __local int runsPerSlab[SEG_CELLS]; // runs per d of its bin
    __local int binCells[SEG_CELLS];   // elements in its bin: 0 past the last output cell
    __local int steps;

    const int lid = (int)get_local_id(0);
    const ulong count = planes * (ulong)(OD * OH * OW);
    const ulong o = (firstGroup + get_group_id(0)) * SEG_CELLS + lid;
    const long slab = IH * IW;
    bin_t b;
    int length = 1, runs = 1, cells = 0;
    if (o < count) {
        ulong plane;
        long c, od, oh, ow;
        element_coordinates(o, count <= 0xffffffffUL, 0, OD, OH, OW, &plane, &c, &od, &oh, &ow);
        b = bin_at(bins, OD, OH, OW, od, oh, ow);
        const bool wholeRows = b.w1 - b.w0 == IW;
        length = (int)(wholeRows ? (b.h1 - b.h0) * IW : b.w1 - b.w0);
        runs = wholeRows ? 1 : (int)(b.h1 - b.h0);
        cells = (int)((b.d1 - b.d0) * (b.h1 - b.h0) * (b.w1 - b.w0));
        runStart[lid] = (long)plane * ID * slab + (b.d0 * IH + b.h0) * IW + b.w0;
    }
    runLength[lid] = length;
    runsPerSlab[lid] = runs;
    binCells[lid] = cells;
    if (lid == 0) {
        steps = 0;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    atomic_max(&steps, (cells + SEG_STEP - 1) / SEG_STEP);
    barrier(CLK_LOCAL_MEM_FENCE);

    const int lane = lid % SEG_STEP;
    const int warpCells = lid - lane; // this warp stages cells [warpCells, warpCells + SEG_STEP)
    acc_t value = POOL_MAX ? -INFINITY : 0;
    long index = o < count ? (b.d0 * IH + b.h0) * IW + b.w0 : 0;
    int col = 0, row = 0, d = 0; // where this work-item's next element is in its bin
    for (int s = 0; s < steps; s++) {
        const int e = s * SEG_STEP + lane;
        acc_t staged[SEG_STEP];
        for (int j = 0; j < SEG_STEP; j++) {
            const int cell = warpCells + j;
            if (e < binCells[cell]) {
                const int run = e / runLength[cell];
                staged[j] = LOAD(in, runStart[cell] + (run / runsPerSlab[cell]) * slab + (run % runsPerSlab[cell]) * IW
                                 + e % runLength[cell]);
            }
        }
        for (int j = 0; j < SEG_STEP; j++) {
            if (e < binCells[warpCells + j]) {
                tile[lane * SEG_PITCH + warpCells + j] = staged[j];
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int k = 0, n = min(SEG_STEP, cells - s * SEG_STEP); k < n; k++) {
            const acc_t v = tile[k * SEG_PITCH + lid];
            if (POOL_MAX) {
                if (max_takes(v, value)) {
                    value = v;
                    index = ((b.d0 + d) * IH + b.h0 + row) * IW + b.w0 + col;
                }
            } else {
                value += v;
            }
            if (++col == length) {
                col = 0;
                if (++row == runs) {
                    row = 0;
                    d++;
                }
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (o < count) {
        acc_t result[1] = {POOL_MAX ? value : bin_mean(value, b)};
        long at[1] = {index};
        store_bins(out, indices, o, 0, 1, result, at);
    }
}
