package dev.clpool.cpu;

import dev.clpool.plan.PoolPlan;

/** PyTorch's float64 loops: each bin summed in double in row-major order, or scanned for its maximum. */
final class DoublePlaneLoops extends Loops<double[]> {
    DoublePlaneLoops(PoolPlan plan) {
        super(plan);
    }

    @Override
    String name() {
        return (avg ? "avg" : "max") + "-float64";
    }

    @Override
    void run(double[] in, double[] out, long[] indices, int p, int last) {
        for (; p < last; p++) {
            int base = p * inPlane;
            int o = p * outPlane;
            for (int od = 0; od < d.out; od++) {
                for (int oh = 0; oh < h.out; oh++) {
                    for (int ow = 0; ow < w.out; ow++, o++) {
                        if (avg) {
                            out[o] = average(in, base, od, oh, ow);
                        } else {
                            max(in, base, od, oh, ow, out, indices, o);
                        }
                    }
                }
            }
        }
    }

    private double average(double[] in, int base, int od, int oh, int ow) {
        double sum = 0;
        for (int id = d.start[od]; id < d.end[od]; id++) {
            for (int ih = h.start[oh]; ih < h.end[oh]; ih++) {
                int row = base + (id * h.in + ih) * w.in;
                for (int iw = w.start[ow]; iw < w.end[ow]; iw++) {
                    sum += in[row + iw];
                }
            }
        }
        return sum / (d.end[od] - d.start[od]) / (h.end[oh] - h.start[oh]) / (w.end[ow] - w.start[ow]);
    }

    private void max(double[] in, int base, int od, int oh, int ow, double[] out, long[] indices, int o) {
        double max = Double.NEGATIVE_INFINITY;
        int arg = (d.start[od] * h.in + h.start[oh]) * w.in + w.start[ow];
        for (int id = d.start[od]; id < d.end[od]; id++) {
            for (int ih = h.start[oh]; ih < h.end[oh]; ih++) {
                int row = (id * h.in + ih) * w.in;
                for (int iw = w.start[ow]; iw < w.end[ow]; iw++) {
                    double v = in[base + row + iw];
                    if (v > max || Double.isNaN(v)) {
                        max = v;
                        arg = row + iw;
                    }
                }
            }
        }
        out[o] = max;
        if (indices != null) {
            indices[o] = arg;
        }
    }
}
