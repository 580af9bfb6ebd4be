package dev.clpool.cpu;

import dev.clpool.op.PoolMode;
import dev.clpool.plan.AxisBins;
import dev.clpool.plan.BackwardPlan;
import dev.clpool.plan.PoolPlan;
import dev.clpool.tensor.Tensor;

/**
 * Backward passes on the Java path, as gathers (see {@link BackwardPlan}): each input cell sums, from
 * +0 in row-major order of the output cells, the contributions of the output cells that reach it. The
 * same float operations in the same order as the OpenCL kernel ({@code backward_pool.cl}) and as
 * libtorch's CPU scatter, so the three agree bit for bit; and no cell is written twice, so the result
 * never depends on threads.
 */
final class JavaBackward {
    private JavaBackward() {
    }

    /**
     * Computes a non-trivial backward plan: reads {@code gradOutput} (and, for max, {@code indices}, both
     * contiguous, the forward output's shape) and writes every element of {@code gradInput} (contiguous
     * float32, the input's shape). Heap tensors are used in place, others through scratch, a block of planes
     * at a time.
     */
    static void backward(BackwardPlan plan, Tensor gradOutput, Tensor indices, Tensor gradInput) {
        PoolPlan f = plan.forward();
        Axis d = new Axis(f.depth(), plan.depth());
        Axis h = new Axis(f.height(), plan.height());
        Axis w = new Axis(f.width(), plan.width());
        int inPlane = Math.toIntExact(f.inputPlaneSize());
        int outPlane = Math.toIntExact(f.outputPlaneSize());
        boolean avg = f.op().mode() == PoolMode.AVG;
        float[] g = Precision.FLOATS.inPlace(gradOutput);
        float[] gin = Precision.FLOATS.inPlace(gradInput);
        long[] idx = indices != null && indices.hasArray() ? indices.int64s() : null;
        boolean inPlace = g != null && gin != null && (indices == null || idx != null);
        Cores.forEach(Cores.split(f.planes(), 1, f.inputPlaneSize() + f.outputPlaneSize()), (first, last) -> {
            float[] deltas = avg ? new float[outPlane] : null;
            int block = inPlace ? last - first : JavaPool.blockPlanes(Math.max(inPlane, outPlane), Float.BYTES, last - first);
            float[] gBlock = inPlace ? g : new float[block * outPlane];
            long[] iBlock = inPlace || indices == null ? idx : new long[block * outPlane];
            float[] outBlock = inPlace ? gin : new float[block * inPlane];
            for (int p0 = first; p0 < last; p0 += block) {
                int k = Math.min(block, last - p0);
                int q0 = inPlace ? p0 : 0; // where plane p0 is in the block arrays
                if (!inPlace) {
                    gradOutput.readFloats((long) p0 * outPlane, gBlock, 0, k * outPlane);
                    if (indices != null) {
                        indices.readLongs((long) p0 * outPlane, iBlock, 0, k * outPlane);
                    }
                }
                for (int q = q0; q < q0 + k; q++) {
                    if (avg) {
                        avgPlane(gBlock, q * outPlane, deltas, outBlock, q * inPlane, d, h, w);
                    } else {
                        maxPlane(gBlock, iBlock, q * outPlane, outBlock, q * inPlane, d, h, w);
                    }
                }
                if (!inPlace) {
                    gradInput.writeFloats((long) p0 * inPlane, outBlock, 0, k * inPlane);
                }
            }
        });
    }

    /**
     * One plane of an average's gradient. Each output cell's share, {@code g / kd / kh / kw} (PyTorch's
     * {@code grad_delta}, the divisions in that order), is computed once into {@code deltas}: every
     * input cell of its bin would compute the same bits. Then each input cell gathers its covering cells' shares.
     */
    private static void avgPlane(float[] g, int gBase, float[] deltas, float[] out, int base, Axis d, Axis h, Axis w) {
        int o = 0;
        for (int od = 0; od < d.outSize; od++) {
            for (int oh = 0; oh < h.outSize; oh++) {
                for (int ow = 0; ow < w.outSize; ow++, o++) {
                    deltas[o] = g[gBase + o] / d.length[od] / h.length[oh] / w.length[ow];
                }
            }
        }
        gather(deltas, 0, null, out, base, d, h, w);
    }

    /** One plane of a max's gradient: the cell sums the gradients of the output cells whose index it is. */
    private static void maxPlane(float[] g, long[] indices, int gBase, float[] out, int base, Axis d, Axis h, Axis w) {
        gather(g, gBase, indices, out, base, d, h, w);
    }

    /**
     * Each input cell of a plane sums, from +0 in row-major order of its covering output cells, their
     * {@code values} (from {@code vBase}): all of them, or, with {@code indices}, those whose index is the cell.
     */
    private static void gather(float[] values, int vBase, long[] indices, float[] out, int base, Axis d, Axis h, Axis w) {
        int self = 0;
        int oh1 = h.outSize;
        int ow1 = w.outSize;
        int[] wFirst = w.first;
        int[] wEnd = w.end;
        for (int id = 0; id < d.inSize; id++) {
            for (int ih = 0; ih < h.inSize; ih++) {
                int d0 = d.first[id];
                int d1 = d.end[id];
                int h0 = h.first[ih];
                int h1 = h.end[ih];
                // One output row covers this input row (pooling, not upsampling, along D and H): a cell
                // whose W run is one cell gathers one share, 0 + it (which turns -0 into +0, as the sum does).
                boolean oneRow = d1 - d0 == 1 && h1 - h0 == 1;
                int rowBase = vBase + (d0 * oh1 + h0) * ow1;
                for (int iw = 0; iw < w.inSize; iw++, self++) {
                    if (oneRow && wEnd[iw] - wFirst[iw] == 1) {
                        int o = rowBase + wFirst[iw];
                        out[base + self] = indices == null || indices[o] == self ? 0f + values[o] : 0f;
                        continue;
                    }
                    float sum = 0f;
                    for (int od = d0; od < d1; od++) {
                        for (int oh = h0; oh < h1; oh++) {
                            int row = vBase + (od * oh1 + oh) * ow1;
                            for (int ow = wFirst[iw]; ow < wEnd[iw]; ow++) {
                                if (indices == null || indices[row + ow] == self) {
                                    sum += values[row + ow];
                                }
                            }
                        }
                    }
                    out[base + self] = sum;
                }
            }
        }
    }

    /** One axis: its bin lengths per output cell and its covering output cells per input position. */
    private static final class Axis {
        final int inSize;
        final int outSize;
        final float[] length;
        final int[] first;
        final int[] end;

        Axis(AxisBins bins, AxisBins covering) {
            inSize = Math.toIntExact(bins.inputSize());
            outSize = Math.toIntExact(bins.outputSize());
            length = new float[outSize];
            for (int o = 0; o < outSize; o++) {
                length[o] = bins.end(o) - bins.start(o);
            }
            first = new int[inSize];
            end = new int[inSize];
            for (int i = 0; i < inSize; i++) {
                first[i] = (int) BackwardPlan.firstCovering(covering, i);
                end[i] = (int) BackwardPlan.endCovering(covering, i);
            }
        }
    }
}
