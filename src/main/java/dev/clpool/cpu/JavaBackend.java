package dev.clpool.cpu;

import dev.clpool.Backend;
import dev.clpool.DType;
import dev.clpool.DevicePoolResult;
import dev.clpool.DeviceTensor;
import dev.clpool.Tensor;
import dev.clpool.PoolMode;
import dev.clpool.plan.AxisBins;
import dev.clpool.plan.PoolPlan;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The pure-Java path: PyTorch's loops, parallel over planes, with the few changes of order that let
 * the JIT use SIMD for averages. It is the reference that OpenCL devices are checked against.
 */
public final class JavaBackend implements Backend {

    @Override
    public DeviceTensor upload(Tensor host) {
        return new JavaTensor(this, Tensor.of(host.floats().clone(), host.shape()));
    }

    @Override
    public Tensor download(DeviceTensor tensor) {
        Tensor t = own(tensor).data();
        return t.dtype() == DType.INT64 ? Tensor.ofInt64(t.int64s().clone(), t.shape()) : Tensor.of(t.floats().clone(), t.shape());
    }

    @Override
    public DevicePoolResult pool(PoolPlan plan, DeviceTensor input) {
        Tensor in = own(input).data();
        int n = Math.toIntExact(plan.outputElements());
        float[] values = new float[n];
        long[] indices = plan.op().withIndices() ? new long[n] : null;
        long start = System.nanoTime();
        if (n > 0) {
            pool(plan, in.floats(), values, indices);
        }
        long nanos = System.nanoTime() - start;
        return new DevicePoolResult(new JavaTensor(this, Tensor.of(values, plan.outputShape())),
                indices == null ? null : new JavaTensor(this, Tensor.ofInt64(indices, plan.outputShape())), nanos);
    }

    private JavaTensor own(DeviceTensor tensor) {
        if (!(tensor instanceof JavaTensor t) || t.owner != this) {
            throw new IllegalArgumentException("input: " + tensor + " does not belong to this engine (" + description() + ")");
        }
        return t;
    }

    @Override
    public void pool(PoolPlan plan, float[] input, float[] values, long[] indices) {
        Bins d = new Bins(plan.depth());
        Bins h = new Bins(plan.height());
        Bins w = new Bins(plan.width());
        int planes = Math.toIntExact(plan.planes());
        int inPlane = Math.toIntExact(plan.inputPlaneSize());
        int outPlane = Math.toIntExact(plan.outputPlaneSize());
        boolean avg = plan.op().mode() == PoolMode.AVG;
        boolean identity = d.isIdentity() && h.isIdentity() && w.isIdentity();
        // A few runs of whole planes per core: enough to balance, few enough to keep per-run scratch.
        int runs = Math.min(planes, Runtime.getRuntime().availableProcessors() * 4);
        IntStream.range(0, runs).parallel().forEach(r -> {
            int first = (int) ((long) planes * r / runs);
            int last = (int) ((long) planes * (r + 1) / runs);
            float[] columns = new float[w.in];
            for (int p = first; p < last; p++) {
                if (identity) {
                    copyPlane(input, p * inPlane, values, indices, inPlane);
                } else if (avg) {
                    avgPlane(input, p * inPlane, values, p * outPlane, d, h, w, columns);
                } else {
                    maxPlane(input, p * inPlane, values, indices, p * outPlane, d, h, w);
                }
            }
        });
    }

    /** Identity pooling: a bin is one cell, so avg and max both return it and its own index. */
    private static void copyPlane(float[] in, int base, float[] out, long[] indices, int size) {
        System.arraycopy(in, base, out, base, size);
        if (indices != null) {
            for (int i = 0; i < size; i++) {
                indices[base + i] = i;
            }
        }
    }

    /**
     * Averages one plane. Bins that span whole rows are contiguous runs, summed with several
     * accumulators; other bins are summed by columns first (a loop over the row the JIT vectorizes),
     * then across their columns. Either order differs from PyTorch's row-major sum only by rounding,
     * well within float32 tolerance.
     */
    private static void avgPlane(float[] in, int inBase, float[] out, int outBase, Bins d, Bins h, Bins w,
                                 float[] columns) {
        boolean wholeRows = w.out == 1;
        int o = outBase;
        for (int od = 0; od < d.out; od++) {
            for (int oh = 0; oh < h.out; oh++) {
                if (wholeRows) {
                    float sum = 0f;
                    for (int id = d.start[od]; id < d.end[od]; id++) {
                        int from = inBase + (id * h.in + h.start[oh]) * w.in;
                        sum += sumRun(in, from, from + (h.end[oh] - h.start[oh]) * w.in);
                    }
                    out[o++] = sum / (d.end[od] - d.start[od]) / (h.end[oh] - h.start[oh]) / w.in;
                    continue;
                }
                Arrays.fill(columns, 0f);
                for (int id = d.start[od]; id < d.end[od]; id++) {
                    for (int ih = h.start[oh]; ih < h.end[oh]; ih++) {
                        addRow(columns, in, inBase + (id * h.in + ih) * w.in);
                    }
                }
                for (int ow = 0; ow < w.out; ow++) {
                    float sum = 0f;
                    for (int iw = w.start[ow]; iw < w.end[ow]; iw++) {
                        sum += columns[iw];
                    }
                    // PyTorch divides by each axis' bin length in turn, in float32.
                    out[o++] = sum / (d.end[od] - d.start[od]) / (h.end[oh] - h.start[oh]) / (w.end[ow] - w.start[ow]);
                }
            }
        }
    }

    /** {@code columns[i] += in[from + i]} for the whole row: a loop C2 turns into SIMD adds. */
    private static void addRow(float[] columns, float[] in, int from) {
        for (int i = 0; i < columns.length; i++) {
            columns[i] += in[from + i];
        }
    }

    /** The sum of {@code in[from, to)} with four independent accumulators, so additions overlap. */
    private static float sumRun(float[] in, int from, int to) {
        float s0 = 0f;
        float s1 = 0f;
        float s2 = 0f;
        float s3 = 0f;
        int i = from;
        for (; i + 3 < to; i += 4) {
            s0 += in[i];
            s1 += in[i + 1];
            s2 += in[i + 2];
            s3 += in[i + 3];
        }
        for (; i < to; i++) {
            s0 += in[i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static void maxPlane(float[] in, int inBase, float[] out, long[] indices, int outBase,
                                 Bins d, Bins h, Bins w) {
        int o = outBase;
        for (int od = 0; od < d.out; od++) {
            for (int oh = 0; oh < h.out; oh++) {
                for (int ow = 0; ow < w.out; ow++) {
                    float max = Float.NEGATIVE_INFINITY;
                    int argmax = (d.start[od] * h.in + h.start[oh]) * w.in + w.start[ow];
                    for (int id = d.start[od]; id < d.end[od]; id++) {
                        for (int ih = h.start[oh]; ih < h.end[oh]; ih++) {
                            int row = (id * h.in + ih) * w.in;
                            for (int iw = w.start[ow]; iw < w.end[ow]; iw++) {
                                float v = in[inBase + row + iw];
                                // NaN wins and the last NaN's index is kept; ties keep the first.
                                if (v > max || Float.isNaN(v)) {
                                    max = v;
                                    argmax = row + iw;
                                }
                            }
                        }
                    }
                    out[o] = max;
                    if (indices != null) {
                        indices[o] = argmax;
                    }
                    o++;
                }
            }
        }
    }

    /** One axis' bins as int tables: a host array never holds more than 2^31 elements. */
    private static final class Bins {
        final int in;
        final int out;
        final int[] start;
        final int[] end;

        boolean isIdentity() {
            return in == out;
        }

        Bins(AxisBins axis) {
            in = Math.toIntExact(axis.inputSize());
            out = Math.toIntExact(axis.outputSize());
            start = new int[out];
            end = new int[out];
            for (int i = 0; i < out; i++) {
                start[i] = (int) axis.start(i);
                end[i] = (int) axis.end(i);
            }
        }
    }

    @Override
    public String description() {
        return "Java (" + Runtime.getRuntime().availableProcessors() + " cores)";
    }

    @Override
    public boolean isOpenCl() {
        return false;
    }

    @Override
    public void close() {
        // nothing native to release
    }
}
