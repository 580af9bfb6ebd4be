package dev.clpool.spark;

import dev.clpool.npy.Npy;
import dev.clpool.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A folder of mixed {@code .npy} shards: float32 (C, H, W) and (N, C, H, W) of several shapes, in nested folders (one
 * with a space in its name), with NaN, infinities, -0 and ties in them, and a file that is not {@code .npy}. Also a
 * command, for CI: {@code java -cp ... dev.clpool.spark.SampleShards DIR}.
 */
final class SampleShards {
    /** Each shard's path relative to the folder, and its shape. */
    static final Map<String, long[]> SHAPES = new LinkedHashMap<>();

    static {
        SHAPES.put("a.npy", new long[] {3, 8, 9});
        SHAPES.put("nested/b.npy", new long[] {2, 3, 10, 9});
        SHAPES.put("nested/e.npy", new long[] {3, 2, 6, 6});
        SHAPES.put("nested/deeper/c.npy", new long[] {1, 5, 5});
        SHAPES.put("dir with space/d.npy", new long[] {4, 7, 13});
    }

    private SampleShards() {
    }

    /** Random values with NaN, -inf, +inf, -0 and ties among them, reproducibly from {@code seed}. */
    static float[] values(long seed, int count) {
        Random r = new Random(seed);
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            int pick = r.nextInt(40);
            v[i] = switch (pick) {
                case 0 -> Float.NaN;
                case 1 -> Float.NEGATIVE_INFINITY;
                case 2 -> Float.POSITIVE_INFINITY;
                case 3 -> -0.0f;
                case 4 -> 0.0f;
                case 5, 6, 7 -> 1.5f;
                default -> (float) r.nextGaussian() * 100;
            };
        }
        return v;
    }

    /** Writes the shards (and {@code notes.txt}) into {@code dir}. */
    static void write(Path dir) throws IOException {
        long seed = 1;
        for (Map.Entry<String, long[]> e : SHAPES.entrySet()) {
            Path file = dir.resolve(e.getKey());
            Files.createDirectories(file.getParent());
            long n = 1;
            for (long s : e.getValue()) {
                n *= s;
            }
            Npy.write(file, Tensor.of(values(seed++, (int) n), e.getValue()));
        }
        Files.writeString(dir.resolve("notes.txt"), "not a shard: the job reads *.npy only\n");
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: SampleShards DIR");
            System.exit(2);
        }
        write(Path.of(args[0]));
    }
}
