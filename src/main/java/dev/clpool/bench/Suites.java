package dev.clpool.bench;

import dev.clpool.op.OutputSize;
import dev.clpool.tensor.Shape;
import java.util.List;
import java.util.Locale;

/** The benchmark suites of issue 4: shapes from common networks' conv-to-classifier boundaries. */
public final class Suites {
    private Suites() {
    }

    /** Sized for a 2-core machine with PyTorch's CPU kernels as the peer. */
    public static List<BenchCase> cpu() {
        return List.of(
                c(7, 64, 512, 14, 14), c(1, 128, 2048, 7, 7), c(7, 32, 256, 56, 56), c(7, 16, 64, 224, 224),
                c(1, 64, 2048, 14, 14), c(6, 32, 512, 64, 64), c(6, 64, 256, 13, 13), c(5, 4, 32, 378, 378),
                c(7, 256, 512, 7, 7));
    }

    /** Sized for a data-centre GPU: several inputs of 100 MB and more. */
    public static List<BenchCase> gpu() {
        return List.of(
                c(7, 64, 512, 14, 14), c(1, 128, 2048, 7, 7), c(7, 32, 256, 56, 56), c(7, 256, 512, 28, 28),
                c(7, 64, 64, 224, 224), c(1, 256, 2048, 14, 14), c(6, 32, 512, 64, 64), c(7, 256, 512, 7, 7));
    }

    /**
     * Shapes no kernel or loop was tuned on, kept apart to check that speed holds off the suites: global
     * pooling of small and large planes, small planes to small outputs, non-divisible and overlapping bins,
     * upsampling, large planes, batch 1 and a large batch.
     */
    public static List<BenchCase> untuned() {
        return List.of(
                c(1, 32, 1024, 7, 7), c(1, 8, 256, 56, 56), c(2, 128, 64, 8, 8), c(5, 16, 384, 17, 17),
                c(6, 4, 96, 35, 35), c(9, 64, 32, 5, 5), c(7, 2, 32, 300, 300), c(3, 1, 512, 38, 38),
                c(4, 256, 128, 14, 14));
    }

    public static List<BenchCase> named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "cpu" -> cpu();
            case "gpu" -> gpu();
            case "untuned" -> untuned();
            default -> throw new IllegalArgumentException("suite: expected cpu, gpu or untuned, got '" + name + "'");
        };
    }

    private static BenchCase c(long out, long n, long ch, long h, long w) {
        return new BenchCase(Shape.of(n, ch, h, w), OutputSize.of(out));
    }
}
