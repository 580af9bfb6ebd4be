package dev.clpool.bench;

import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/** Benchmark inputs: standard normal floats from a seed, generated in parallel (GPU inputs reach a gigabyte). */
public final class BenchInputs {
    private static final int BLOCK = 1 << 20;

    private BenchInputs() {
    }

    /** {@code n} floats, N(0, 1), the same for the same seed whatever the core count. */
    public static float[] normal(long n, long seed) {
        float[] out = new float[Math.toIntExact(n)];
        int blocks = (out.length + BLOCK - 1) / BLOCK;
        IntStream.range(0, blocks).parallel().forEach(b -> {
            SplittableRandom random = new SplittableRandom(seed * 1_000_003L + b);
            int end = Math.min(out.length, (b + 1) * BLOCK);
            for (int i = b * BLOCK; i < end; i += 2) {
                // Box-Muller gives two normals per pair of uniforms.
                double u = 1.0 - random.nextDouble();
                double v = random.nextDouble();
                double r = Math.sqrt(-2.0 * Math.log(u));
                out[i] = (float) (r * Math.cos(2 * Math.PI * v));
                if (i + 1 < end) {
                    out[i + 1] = (float) (r * Math.sin(2 * Math.PI * v));
                }
            }
        });
        return out;
    }

    /** A float32 tensor of {@code shape} holding {@link #normal(long, long)}'s floats. */
    static Tensor normal(Shape shape, long seed) {
        return Tensor.of(normal(shape.elementCount(), seed), shape);
    }
}
