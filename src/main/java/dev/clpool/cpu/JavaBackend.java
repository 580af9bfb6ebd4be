package dev.clpool.cpu;

import dev.clpool.Backend;
import dev.clpool.DType;
import dev.clpool.DevicePoolResult;
import dev.clpool.DeviceTensor;
import dev.clpool.Tensor;
import dev.clpool.PoolMode;
import dev.clpool.plan.AxisBins;
import dev.clpool.plan.PoolPlan;
import java.util.stream.IntStream;

/**
 * The pure-Java path: PyTorch's loops, written plainly, parallel over planes. It is the reference
 * that OpenCL devices are checked against, so it favours obviousness over speed.
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
        int inPlane = Math.toIntExact(plan.inputPlaneSize());
        int outPlane = Math.toIntExact(plan.outputPlaneSize());
        boolean avg = plan.op().mode() == PoolMode.AVG;
        IntStream.range(0, Math.toIntExact(plan.planes())).parallel().forEach(p -> {
            if (avg) {
                avgPlane(input, p * inPlane, values, p * outPlane, d, h, w);
            } else {
                maxPlane(input, p * inPlane, values, indices, p * outPlane, d, h, w);
            }
        });
    }

    private static void avgPlane(float[] in, int inBase, float[] out, int outBase, Bins d, Bins h, Bins w) {
        int o = outBase;
        for (int od = 0; od < d.out; od++) {
            for (int oh = 0; oh < h.out; oh++) {
                for (int ow = 0; ow < w.out; ow++) {
                    float sum = 0f;
                    for (int id = d.start[od]; id < d.end[od]; id++) {
                        for (int ih = h.start[oh]; ih < h.end[oh]; ih++) {
                            int row = inBase + (id * h.in + ih) * w.in;
                            for (int iw = w.start[ow]; iw < w.end[ow]; iw++) {
                                sum += in[row + iw];
                            }
                        }
                    }
                    // PyTorch divides by each axis' bin length in turn, in float32.
                    out[o++] = sum / (d.end[od] - d.start[od]) / (h.end[oh] - h.start[oh]) / (w.end[ow] - w.start[ow]);
                }
            }
        }
    }

    private static void maxPlane(float[] in, int inBase, float[] out, long[] indices, int outBase,
                                 Bins d, Bins h, Bins w) {
        int o = outBase;
        for (int od = 0; od < d.out; od++) {
            for (int oh = 0; oh < h.out; oh++) {
                for (int ow = 0; ow < w.out; ow++) {
                    float max = Float.NEGATIVE_INFINITY;
                    long argmax = ((long) d.start[od] * h.in + h.start[oh]) * w.in + w.start[ow];
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
