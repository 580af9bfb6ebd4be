package dev.clpool.cli;

import dev.clpool.Shape;
import dev.clpool.Tensor;
import java.util.Random;

/** Reproducible float32 inputs: standard normal values from {@link Random}, whose sequence is specified for a seed. */
final class SeededTensors {
    private SeededTensors() {
    }

    static Tensor normal(long seed, Shape shape) {
        Random random = new Random(seed);
        float[] data = new float[Math.toIntExact(shape.elementCount())];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) random.nextGaussian();
        }
        return Tensor.of(data, shape);
    }
}
