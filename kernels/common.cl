// Shared definitions for clpool's pooling kernels; prepended to every program.
//
// Semantics that must not drift from PyTorch (README "Semantics"):
//   avg: the bin's sum in float32 in row-major order, then sum / kd / kh / kw: PyTorch's CPU kernel,
//        and the same float operations on every path, so averages agree bit for bit across devices.
//   max: NaN propagates and the index is the LAST NaN's; otherwise the FIRST maximum wins
//        (so +0 after -0 keeps -0); an all -inf bin gives -inf at its first index.
//        Never fmax: it drops NaN. Indices are flat within the input plane: (d * IH + h) * IW + w.
//
// Bins come from the host, planned with PyTorch's integer formulas, as one table of longs:
//   bins = [d_start[OD], d_end[OD], h_start[OH], h_end[OH], w_start[OW], w_end[OW]]
// Build options: -cl-std=CL1.2, plus -cl-fp32-correctly-rounded-divide-sqrt where the device has it;
// never -cl-fast-relaxed-math (it assumes no NaN or infinity).

// Element storage and arithmetic types. The host builds one program per storage type (DType):
// float by default; other types define CLPOOL_ELEMENT and these macros in the build options' prelude.
//   elem_t: how an element is stored; acc_t: the type sums and comparisons are done in.
//   LOAD(p, i): element i of p as acc_t; STORE(p, i, v): rounds v to elem_t and stores it.
#ifndef CLPOOL_ELEMENT
typedef float elem_t;
typedef float acc_t;
#define LOAD(p, i) ((p)[i])
#define STORE(p, i, v) ((p)[i] = (v))
#endif

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
