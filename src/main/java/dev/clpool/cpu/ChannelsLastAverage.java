package dev.clpool.cpu;

import dev.clpool.op.PoolMode;
import dev.clpool.plan.PoolPlan;
import dev.clpool.plan.Runs;
import dev.clpool.spi.Launches;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Tensor;
import java.util.Arrays;

/**
 * Average pooling of channels-last inputs as PyTorch's channels-last CPU kernel loops: for each output
 * cell, the bin's cells in row-major order, each adding its C contiguous channels into C sums at once.
 * Every channel's sum still runs in its bin's row-major order, so the bits are the planar loops'; the loop
 * over channels is one the JIT turns into vector adds. A float32 array is read in place; other storage
 * (buffers, float16, bfloat16) a band of input rows at a time into a float scratch array.
 */
final class ChannelsLastAverage {
    static final String NAME = "channels-last-avg";
    /** The largest band of input rows staged for storage other than a float32 array. */
    private static final long MAX_BAND_BYTES = 16L << 20;

    private ChannelsLastAverage() {
    }

    /** Whether this loop pools {@code plan} of {@code dtype} in {@code layout}. */
    static boolean takes(PoolPlan plan, DType dtype, Layout layout) {
        return layout == Layout.CHANNELS_LAST && plan.op().mode() == PoolMode.AVG && dtype != DType.FLOAT64
                && !plan.isIdentity() && bandFloats(plan) * Float.BYTES <= MAX_BAND_BYTES;
    }

    /** The floats of the largest band: one output row's input rows, all their cells and channels. */
    private static long bandFloats(PoolPlan plan) {
        Bins d = new Bins(plan.depth());
        Bins h = new Bins(plan.height());
        long rows = 0;
        for (int od = 0; od < d.out; od++) {
            for (int oh = 0; oh < h.out; oh++) {
                rows = Math.max(rows, (long) (d.end[od] - d.start[od]) * (h.end[oh] - h.start[oh]));
            }
        }
        return rows * plan.width().inputSize() * plan.inputShape().dim(1);
    }

    static void pool(PoolPlan plan, Tensor input, Tensor values, String device) {
        Bins d = new Bins(plan.depth());
        Bins h = new Bins(plan.height());
        Bins w = new Bins(plan.width());
        int channels = Math.toIntExact(plan.inputShape().dim(1));
        int cells = Math.toIntExact(plan.inputPlaneSize());
        int outCells = Math.toIntExact(plan.outputPlaneSize());
        int rowLength = w.in * channels;
        float[] array = input.dtype() == DType.FLOAT32 && input.hasArray() ? input.floats() : null;
        float[] outArray = values.dtype() == DType.FLOAT32 && values.hasArray() ? values.floats() : null;
        int outputRows = d.out * h.out;
        long tasks = plan.inputShape().dim(0) * outputRows;
        Runs runs = Cores.split(tasks, 1, (long) cells * channels / Math.max(1, outputRows));
        Launches.log(NAME, device, plan.planes(), runs.length());
        Cores.forEach(runs, (first, last) -> {
            float[] sum = new float[channels];
            float[] band = array != null ? null : new float[Math.toIntExact(bandFloats(plan))];
            for (int task = first; task < last; task++) {
                int n = task / outputRows;
                int od = task / h.out % d.out;
                int oh = task % h.out;
                int kh = h.end[oh] - h.start[oh];
                float[] src = array;
                if (array == null) {
                    int at = 0;
                    for (int id = d.start[od]; id < d.end[od]; id++) {
                        int from = (n * cells + (id * h.in + h.start[oh]) * w.in) * channels;
                        input.readFloats(from, band, at, kh * rowLength);
                        at += kh * rowLength;
                    }
                    src = band;
                }
                for (int ow = 0; ow < w.out; ow++) {
                    Arrays.fill(sum, 0f);
                    for (int id = d.start[od]; id < d.end[od]; id++) {
                        int depthAt = array != null ? (n * cells + id * h.in * w.in) * channels : (id - d.start[od]) * kh * rowLength;
                        for (int ih = h.start[oh]; ih < h.end[oh]; ih++) {
                            int rowAt = depthAt + (array != null ? ih : ih - h.start[oh]) * rowLength;
                            for (int iw = w.start[ow]; iw < w.end[ow]; iw++) {
                                int at = rowAt + iw * channels;
                                for (int c = 0; c < channels; c++) {
                                    sum[c] += src[at + c];
                                }
                            }
                        }
                    }
                    float kd = d.end[od] - d.start[od];
                    float fh = kh;
                    float kw = w.end[ow] - w.start[ow];
                    for (int c = 0; c < channels; c++) {
                        sum[c] = sum[c] / kd / fh / kw;
                    }
                    int o = (n * outCells + (od * h.out + oh) * w.out + ow) * channels;
                    if (outArray != null) {
                        System.arraycopy(sum, 0, outArray, o, channels);
                    } else {
                        values.writeFloats(o, sum, 0, channels);
                    }
                }
            }
        });
    }
}
