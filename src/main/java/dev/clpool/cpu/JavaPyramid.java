package dev.clpool.cpu;

import dev.clpool.plan.PoolPlan;
import dev.clpool.plan.PyramidPlan;
import dev.clpool.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Pyramid pooling on the Java path: the planes are taken in blocks small enough to stay in a core's
 * cache, and every level pools a block before the next block is read, so the input streams from memory
 * once whatever the number of levels. Each level runs its own {@link PlaneLoops}, so it is bit for bit
 * that level pooled alone.
 */
final class JavaPyramid {
    private JavaPyramid() {
    }

    /** A level with output elements: its loops, its outputs, and their arrays when they are on the heap. */
    private record Level(PlaneLoops loops, Tensor values, Tensor indices, int outPlane, float[] valueArray, long[] indexArray) {
        boolean inPlace() {
            return valueArray != null && (indices == null || indexArray != null);
        }
    }

    static void pyramid(PyramidPlan plan, Tensor input, List<Tensor> values, List<Tensor> indices) {
        List<Level> levels = new ArrayList<>();
        for (int l = 0; l < plan.levels().size(); l++) {
            PoolPlan level = plan.levels().get(l);
            if (!level.isEmpty()) {
                Tensor v = values.get(l);
                Tensor i = indices == null ? null : indices.get(l);
                levels.add(new Level(new PlaneLoops(level), v, i, Math.toIntExact(level.outputPlaneSize()),
                        Precision.FLOATS.inPlace(v), i != null && i.hasArray() ? i.int64s() : null));
            }
        }
        int inPlane = Math.toIntExact(plan.inputPlaneSize());
        float[] inArray = Precision.FLOATS.inPlace(input);
        boolean inPlace = inArray != null && levels.stream().allMatch(Level::inPlace);
        Cores.forEach(Cores.split(plan.planes(), PlaneLoops.SIDE, plan.inputPlaneSize() * levels.size()), (first, last) -> {
            int block = JavaPool.blockPlanes(inPlane, Float.BYTES, last - first);
            float[] a = inPlace ? inArray : new float[block * inPlane];
            for (int p = first; p < last; p += block) {
                int k = Math.min(block, last - p);
                if (inPlace) {
                    for (Level level : levels) {
                        level.loops.run(a, level.valueArray, level.indexArray, p, p + k);
                    }
                    continue;
                }
                input.readFloats((long) p * inPlane, a, 0, k * inPlane);
                for (Level level : levels) {
                    float[] y = new float[k * level.outPlane];
                    long[] n = level.indices == null ? null : new long[k * level.outPlane];
                    level.loops.run(a, y, n, 0, k);
                    level.values.writeFloats((long) p * level.outPlane, y, 0, y.length);
                    if (n != null) {
                        level.indices.writeLongs((long) p * level.outPlane, n, 0, n.length);
                    }
                }
            }
        });
    }
}
