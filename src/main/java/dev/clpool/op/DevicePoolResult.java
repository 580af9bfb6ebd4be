package dev.clpool.op;

import dev.clpool.tensor.DeviceTensor;
/**
 * A pooling of a {@link DeviceTensor}: its values and, when asked for, indices, still on the device,
 * and the time the device spent computing them. Closing it frees both.
 *
 * @param values the pooled values
 * @param indices the max indices, or {@code null}
 * @param kernelNanos the device's compute time (OpenCL profiling events; wall time on the Java path)
 */
public record DevicePoolResult(DeviceTensor values, DeviceTensor indices, long kernelNanos) implements AutoCloseable {
    @Override
    public void close() {
        values.close();
        if (indices != null) {
            indices.close();
        }
    }
}
