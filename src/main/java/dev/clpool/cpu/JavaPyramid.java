package dev.clpool.cpu;

import dev.clpool.plan.PoolPlan;
import dev.clpool.plan.PyramidPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Pyramid pooling on the Java path: the planes are taken in blocks small enough to stay in a core's
 * cache, and every level pools a block before the next block is read, so the input streams from
 * memory once whatever the number of levels. Each level runs {@link JavaBackend}'s own loops on its
 * planes, so it is bit for bit that level pooled alone.
 */
final class JavaPyramid {
    /** Input bytes per block: within a core's L2 cache (256 KiB or more on current x86 and ARM cores). */
    private static final long BLOCK_BYTES = 192 << 10;

    private JavaPyramid() {
    }

    static void pyramid(PyramidPlan plan, float[] input, float[][] values, long[][] indices) {
        List<JavaBackend.PlaneLoops> loops = new ArrayList<>();
        List<Integer> levels = new ArrayList<>();
        for (int l = 0; l < plan.levels().size(); l++) {
            PoolPlan level = plan.levels().get(l);
            if (!level.isEmpty()) {
                loops.add(new JavaBackend.PlaneLoops(level));
                levels.add(l);
            }
        }
        int planes = Math.toIntExact(plan.planes());
        long planeBytes = Math.max(1, plan.inputPlaneSize() * Float.BYTES);
        // Whole planes, a multiple of four where more than four fit (the loops pool four side by side).
        int block = (int) Math.max(1, Math.min(planes, BLOCK_BYTES / planeBytes));
        block = block > 4 ? block / 4 * 4 : block;
        int step = block;
        int runs = Math.min(planes, Runtime.getRuntime().availableProcessors() * 4);
        IntStream.range(0, runs).parallel().forEach(r -> {
            int first = (int) ((long) planes * r / runs);
            int last = (int) ((long) planes * (r + 1) / runs);
            for (int p = first; p < last; p += step) {
                int end = Math.min(last, p + step);
                for (int k = 0; k < loops.size(); k++) {
                    int l = levels.get(k);
                    loops.get(k).run(input, values[l], indices == null ? null : indices[l], p, end);
                }
            }
        });
    }
}
