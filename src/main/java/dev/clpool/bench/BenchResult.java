package dev.clpool.bench;

/**
 * One benchmark measurement: a shape, a mode and a device, medians of several runs.
 *
 * @param shape the input shape, e.g. {@code [64,512,14,14]}
 * @param outputSize the output's spatial size, e.g. {@code 7x7}
 * @param mode {@code avg} or {@code max} (max with int64 indices, as PyTorch computes them)
 * @param device the device, as {@code Clpool.device()} describes it
 * @param kernel the kernel that ran ({@code cell}, {@code tiled}, {@code copy}, or {@code java})
 * @param kernelMsMedian device compute time: OpenCL profiling events, or the Java path's wall time
 * @param endToEndMsMedian wall time from a host float[] to host float[] results
 * @param gbps bytes read and written by the kernel (input, values, indices) per kernel second, in GB/s
 * @param copyGbps the device's copy bandwidth measured in the same run, in GB/s
 * @param maxAbsDiff the largest difference from the Java path (0 for the Java path itself)
 * @param runs how many timed runs each median is over
 */
public record BenchResult(String shape, String outputSize, String mode, String device, String kernel,
                          double kernelMsMedian, double endToEndMsMedian, double gbps, double copyGbps,
                          double maxAbsDiff, int runs) {

    /** The kernel's bandwidth as a fraction of the device's copy bandwidth. */
    public double fractionOfCopy() {
        return gbps / copyGbps;
    }
}
