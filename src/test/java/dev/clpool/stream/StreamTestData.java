package dev.clpool.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.clpool.npy.Npy;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;

/** Inputs with what pooling must get right (NaN, infinities, -0, ties), and results read back from files. */
final class StreamTestData {
    private StreamTestData() {
    }

    /** A C-order tensor of {@code dtype}: Gaussian values, every 17th NaN, some -inf, -0 and repeated values. */
    static Tensor input(DType dtype, Shape shape, long seed) {
        Random r = new Random(seed);
        float[] v = new float[Math.toIntExact(shape.elementCount())];
        for (int i = 0; i < v.length; i++) {
            v[i] = switch (i % 23) {
                case 0 -> Float.NaN;
                case 5 -> Float.NEGATIVE_INFINITY;
                case 9 -> -0f;
                case 13, 14 -> 3f;
                default -> (float) r.nextGaussian() * 100;
            };
        }
        return Tensor.of(v, shape).to(dtype);
    }

    /** A result file seen as the logical tensor: an NHWC file's array is (N, OH, OW, C). */
    static Tensor read(Path file, DType dtype, Layout layout) throws IOException {
        Tensor t = dtype == DType.BFLOAT16 ? Npy.readBFloat16(file) : Npy.read(file);
        assertEquals(dtype, t.dtype(), file.toString());
        return t.view(layout.logicalShape(t.shape()), layout);
    }
}
