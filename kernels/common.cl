// Shared definitions for clpool's pooling kernels; prepended to every program.
//
// Semantics that must not drift from PyTorch (README "Semantics"):
//   avg: the bin's sum in float32, then sum / kd / kh / kw.
//   max: NaN propagates and the index is the LAST NaN's; otherwise the FIRST maximum wins
//        (so +0 after -0 keeps -0); an all -inf bin gives -inf at its first index.
//        Never fmax: it drops NaN. Indices are flat within the input plane: (d * IH + h) * IW + w.
//
// Bins come from the host, planned with PyTorch's integer formulas, as one table of longs:
//   bins = [d_start[OD], d_end[OD], h_start[OH], h_end[OH], w_start[OW], w_end[OW]]
// Build options: -cl-std=CL1.2, plus -cl-fp32-correctly-rounded-divide-sqrt where the device has it;
// never -cl-fast-relaxed-math (it assumes no NaN or infinity).

#define D_START(i) bins[(i)]
#define D_END(i)   bins[OD + (i)]
#define H_START(i) bins[2 * OD + (i)]
#define H_END(i)   bins[2 * OD + OH + (i)]
#define W_START(i) bins[2 * OD + 2 * OH + (i)]
#define W_END(i)   bins[2 * OD + 2 * OH + OW + (i)]

// The row-major scan's rule for one more element v at index i: take it when v > m or v is NaN.
#define MAX_STEP(m, mi, v, i)          \
    if ((v) > (m) || isnan(v)) {       \
        (m) = (v);                     \
        (mi) = (i);                    \
    }

// Combines the maxima of two disjoint parts of one bin, each found by a row-major scan of its part,
// into what a row-major scan of the whole bin finds: the last NaN, else the larger value, else (a tie,
// -0 == +0 included) the earlier element. The order of combining does not matter.
inline void max_combine(float* m, long* mi, float v, long vi) {
    const bool mn = isnan(*m), vn = isnan(v);
    if (mn || vn) {
        if (vn && (!mn || vi > *mi)) {
            *m = v;
            *mi = vi;
        }
    } else if (v > *m || (v == *m && vi < *mi)) {
        *m = v;
        *mi = vi;
    }
}
