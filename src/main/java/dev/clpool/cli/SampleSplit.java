package dev.clpool.cli;

import dev.clpool.Clpool;
import dev.clpool.DeviceSelector;
import dev.clpool.op.AdaptivePool;
import dev.clpool.op.OutputSize;
import dev.clpool.opencl.DeviceInfo;
import dev.clpool.opencl.OpenClOptions;
import dev.clpool.spi.DeviceShare;
import dev.clpool.tensor.Tensor;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * {@code devices --split}: a sample pooling on several devices together, and on each alone, to show how
 * the chunk loop shares work (each device takes the next chunk when free) and what it gains.
 */
final class SampleSplit {
    /** 64 MiB of float32: [64, 256, 32, 32], pooled to (7, 7). */
    private static final long[] SHAPE = {64, 256, 32, 32};
    private static final AdaptivePool OP = AdaptivePool.avg2d(OutputSize.of(7, 7));

    private SampleSplit() {
    }

    static String run(DeviceSelector selector) {
        Tensor sample = sample();
        StringBuilder out = new StringBuilder();
        try (Clpool together = Clpool.open(selector, OpenClOptions.defaults())) {
            List<DeviceInfo> members = together.openClDevices();
            if (members.size() < 2) {
                throw new BadInputException("--split: names one device (" + together.device() + "); name several, e.g. 0:0,0:1");
            }
            together.pool(sample, OP); // warm-up: programs built, buffers pooled
            List<DeviceShare> before = together.shares();
            double ms = millis(together, sample);
            List<DeviceShare> after = together.shares();
            out.append(String.format(Locale.ROOT, "A %s sample %s -> (7, 7) avg on %d devices together: %.1f ms (best of 3 runs), split in those runs:%n",
                    DevicesCommand.bytes(sample.shape().elementCount() * Float.BYTES), sample.shape(), members.size(), ms));
            long total = 0;
            for (int i = 0; i < after.size(); i++) {
                total += after.get(i).bytes() - before.get(i).bytes();
            }
            TextTable table = new TextTable(new String[] {"DEVICE", "CHUNKS", "BYTES", "SHARE", "ALONE (BEST OF 3)"}, false, true, true, true, true);
            for (int i = 0; i < after.size(); i++) {
                long chunks = after.get(i).chunks() - before.get(i).chunks();
                long bytes = after.get(i).bytes() - before.get(i).bytes();
                double alone;
                try (Clpool one = Clpool.open(DeviceSelector.parse(members.get(i).index()), OpenClOptions.defaults())) {
                    one.pool(sample, OP);
                    alone = millis(one, sample);
                }
                table.row(after.get(i).device(), chunks, DevicesCommand.bytes(bytes),
                        String.format(Locale.ROOT, "%.0f%%", 100.0 * bytes / Math.max(1, total)),
                        String.format(Locale.ROOT, "%.1f ms", alone));
            }
            StringWriter w = new StringWriter();
            table.print(new PrintWriter(w), "  ");
            out.append(w);
        }
        return out.toString();
    }

    /** The fastest of three runs: the sample is small enough for the machine's noise to show. */
    private static double millis(Clpool clpool, Tensor sample) {
        long best = Long.MAX_VALUE;
        for (int run = 0; run < 3; run++) {
            long t0 = System.nanoTime();
            clpool.pool(sample, OP);
            best = Math.min(best, System.nanoTime() - t0);
        }
        return best / 1e6;
    }

    private static Tensor sample() {
        SplittableRandom r = new SplittableRandom(1);
        float[] x = new float[Math.toIntExact(SHAPE[0] * SHAPE[1] * SHAPE[2] * SHAPE[3])];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble();
        }
        return Tensor.of(x, SHAPE);
    }
}
