// Shared definitions for clpool's kernels; the host builds one program per storage type and mode with
// these first. Semantics that must not drift from PyTorch (README "Semantics"):
//   avg: the bin's sum in acc_t (float; double for float64) in row-major order, then sum / kd / kh / kw:
//        PyTorch's CPU kernel, so averages agree bit for bit with the Java path and across devices;
//   max: NaN propagates and the index is the LAST NaN's; otherwise the FIRST maximum wins (so +0 after
//        -0 keeps -0); an all -inf bin gives -inf at its first index. Never fmax: it drops NaN.
//        Indices are flat within the input's spatial volume: (d * IH + h) * IW + w, in every layout.
// Build options: -cl-std=CL1.2, -cl-fp32-correctly-rounded-divide-sqrt where the device has it (never
// -cl-fast-relaxed-math: it assumes no NaN or infinity), and these defines:
//   CLPOOL_MODE   0 avg, 1 max, 2 max with indices: what every kernel of the program computes;
//   the tuning values of each kernel file (LOCAL_SIZE, NHWC_BLOCK, ...), from the host's per-device table.
//
// Every pooling kernel takes the same first arguments, then its own:
//   in, bins, ID, IH, IW, OD, OH, OW, planes, out, indices (NULL unless CLPOOL_MODE is 2)
// where the input is `planes` planes of ID x IH x IW cells (2-d pooling has ID = OD = 1) and bins is
//   [d_start[OD], d_end[OD], h_start[OH], h_end[OH], w_start[OW], w_end[OW]]  (longs, from the host)

#ifndef CLPOOL_MODE
#define CLPOOL_MODE 0
#endif
#define POOL_MAX (CLPOOL_MODE != 0)
#define WITH_INDICES (CLPOOL_MODE == 2)

// Element storage and arithmetic types: float32 by default; the other storage types' programs start
// with a prelude that defines CLPOOL_ELEMENT and these (see StoragePrelude on the host).
//   elem_t: how an element is stored; acc_t: the type sums and comparisons are done in.
//   LOAD(p, i): element i of p as acc_t; STORE(p, i, v): rounds v to elem_t and stores it.
#ifndef CLPOOL_ELEMENT
typedef float elem_t;
typedef float acc_t;
#define LOAD(p, i) ((p)[i])
#define STORE(p, i, v) ((p)[i] = (v))
#endif

#define POOL_ARGS                                                                           \
    __global const elem_t* in, __global const long* bins,                                   \
    const long ID, const long IH, const long IW, const long OD, const long OH, const long OW, \
    const ulong planes, __global elem_t* out, __global long* indices

// One output cell's bin: input cells [d0, d1) x [h0, h1) x [w0, w1).
typedef struct {
    long d0, d1, h0, h1, w0, w1;
} bin_t;

inline bin_t bin_at(__global const long* bins, const long OD, const long OH, const long OW,
                    const long od, const long oh, const long ow) {
    bin_t b;
    b.d0 = bins[od];
    b.d1 = bins[OD + od];
    b.h0 = bins[2 * OD + oh];
    b.h1 = bins[2 * OD + OH + oh];
    b.w0 = bins[2 * OD + 2 * OH + ow];
    b.w1 = bins[2 * OD + 2 * OH + OW + ow];
    return b;
}

// PyTorch's max scan keeps v when v > m or v is NaN.
inline bool max_takes(const acc_t v, const acc_t m) {
    return v > m || isnan(v);
}

// PyTorch's average: the bin's sum divided by each of its lengths in turn.
inline acc_t bin_mean(const acc_t sum, const bin_t b) {
    return sum / (acc_t)(b.d1 - b.d0) / (acc_t)(b.h1 - b.h0) / (acc_t)(b.w1 - b.w0);
}

// The row-major pooling of one bin in K planes side by side, written once and made for global memory and
// for local memory (OpenCL 1.2 has no generic address space). Plane k's cell i is READ(src, base + k *
// kStride + i * cellStride); K is a constant at every call, so the compiler unrolls the k loops and the K
// sums (or scans) are independent chains that overlap. value[k] gets the bin's mean, or its maximum with
// index[k] its spatial index.
#define DEFINE_POOL_BINS(NAME, SPACE, TYPE, READ)                                           \
inline void NAME(SPACE const TYPE* src, const long base, const long kStride, const long cellStride, \
                 const long IH, const long IW, const bin_t b, const int K, acc_t* value, long* index) { \
    for (int k = 0; k < K; k++) {                                                           \
        value[k] = POOL_MAX ? -INFINITY : 0;                                                \
        index[k] = (b.d0 * IH + b.h0) * IW + b.w0;                                          \
    }                                                                                       \
    for (long d = b.d0; d < b.d1; d++) {                                                    \
        for (long h = b.h0; h < b.h1; h++) {                                                \
            for (long i = (d * IH + h) * IW + b.w0, end = i + (b.w1 - b.w0); i < end; i++) { \
                for (int k = 0; k < K; k++) {                                               \
                    const acc_t v = READ(src, base + k * kStride + i * cellStride);         \
                    if (POOL_MAX) {                                                         \
                        if (max_takes(v, value[k])) {                                       \
                            value[k] = v;                                                   \
                            index[k] = i;                                                   \
                        }                                                                   \
                    } else {                                                                \
                        value[k] += v;                                                      \
                    }                                                                       \
                }                                                                           \
            }                                                                               \
        }                                                                                   \
    }                                                                                       \
    if (!POOL_MAX) {                                                                        \
        for (int k = 0; k < K; k++) {                                                       \
            value[k] = bin_mean(value[k], b);                                               \
        }                                                                                   \
    }                                                                                       \
}

DEFINE_POOL_BINS(pool_bins, __global, elem_t, LOAD)

// Stores K pooled cells: cell k's value at out[o + k * oStride] and, with indices, its index.
inline void store_bins(__global elem_t* out, __global long* indices, const ulong o, const ulong oStride, const int K,
                       const acc_t* value, const long* index) {
    for (int k = 0; k < K; k++) {
        STORE(out, o + k * oStride, value[k]);
        if (WITH_INDICES) {
            indices[o + k * oStride] = index[k];
        }
    }
}

// Output element o (memory order) as coordinates: channel c (channels last, C > 0; else 0), cell (od, oh,
// ow), and n: the batch element (channels last) or the plane. GPUs divide 64-bit integers in software,
// several times slower than 32-bit, so counts under 2^32 (all sizes then fit) use uint.
inline void element_coordinates(const ulong o, const bool narrow, const long C, const long OD, const long OH,
                                const long OW, ulong* n, long* c, long* od, long* oh, long* ow) {
    if (narrow) {
        uint rest = (uint)o;
        *c = C > 0 ? rest % (uint)C : 0;
        rest = C > 0 ? rest / (uint)C : rest;
        *ow = rest % (uint)OW;
        rest /= (uint)OW;
        *oh = rest % (uint)OH;
        rest /= (uint)OH;
        *od = rest % (uint)OD;
        *n = rest / (uint)OD;
    } else {
        ulong rest = o;
        *c = C > 0 ? (long)(rest % (ulong)C) : 0;
        rest = C > 0 ? rest / (ulong)C : rest;
        *ow = (long)(rest % (ulong)OW);
        rest /= (ulong)OW;
        *oh = (long)(rest % (ulong)OH);
        rest /= (ulong)OH;
        *od = (long)(rest % (ulong)OD);
        *n = rest / (ulong)OD;
    }
}

// Local memory staged by a work-group (tiled.cl, pyramid.cl): element i of the staged span sits at PAD(i),
// one spare slot every 32, so that work-items reading cells 32 apart (bins 32 columns apart, planes a
// multiple of 32 cells apart) do not hit one bank in lockstep.
#define PAD(i) ((i) + ((i) >> 5))
#define LOCAL_READ(p, i) ((p)[PAD(i)])

DEFINE_POOL_BINS(pool_bins_local, __local, acc_t, LOCAL_READ)
