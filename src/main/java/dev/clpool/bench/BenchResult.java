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
 * @param endToEndMsMedian wall time from a host array to host arrays of results
 * @param gbps bytes read and written by the kernel (input, values, indices, at the dtype's size) per kernel second, in GB/s
 * @param copyGbps the device's copy bandwidth measured in the same run, in GB/s
 * @param maxAbsDiff the largest difference from the Java path (0 for the Java path itself)
 * @param runs how many timed runs each median is over
 * @param dtype the input's and values' element type, e.g. {@code float32} or {@code float16}
 * @param layout the input's layout: {@code nchw} or {@code nhwc} (channels last)
 * @param host where the host tensors of the end-to-end runs live: {@code heap} (Java arrays) or
 *     {@code direct} (page-aligned direct memory, which a device sharing host memory uses in place)
 * @param callMsMedian wall time of one pooling of a device tensor into device tensors, launch and wait
 *     included: the latency of a small device-resident call (NaN where not measured)
 */
public record BenchResult(String shape, String outputSize, String mode, String device, String kernel,
                          double kernelMsMedian, double endToEndMsMedian, double gbps, double copyGbps,
                          double maxAbsDiff, int runs, String dtype, String layout, String host, double callMsMedian) {

    /** A result without the device call's latency, as results were before it was measured. */
    public BenchResult(String shape, String outputSize, String mode, String device, String kernel,
                       double kernelMsMedian, double endToEndMsMedian, double gbps, double copyGbps,
                       double maxAbsDiff, int runs, String dtype, String layout, String host) {
        this(shape, outputSize, mode, device, kernel, kernelMsMedian, endToEndMsMedian, gbps, copyGbps, maxAbsDiff, runs,
                dtype, layout, host, Double.NaN);
    }

    /** A result from Java arrays, as every result was before {@code host}. */
    public BenchResult(String shape, String outputSize, String mode, String device, String kernel,
                       double kernelMsMedian, double endToEndMsMedian, double gbps, double copyGbps,
                       double maxAbsDiff, int runs, String dtype, String layout) {
        this(shape, outputSize, mode, device, kernel, kernelMsMedian, endToEndMsMedian, gbps, copyGbps, maxAbsDiff, runs,
                dtype, layout, "heap");
    }

    /** A float32 NCHW result, as every result was before storage types and layouts. */
    public BenchResult(String shape, String outputSize, String mode, String device, String kernel,
                       double kernelMsMedian, double endToEndMsMedian, double gbps, double copyGbps,
                       double maxAbsDiff, int runs) {
        this(shape, outputSize, mode, device, kernel, kernelMsMedian, endToEndMsMedian, gbps, copyGbps, maxAbsDiff, runs,
                "float32", "nchw");
    }

    /** {@code ""} for float32 NCHW on the heap, else e.g. {@code " float16 nhwc direct"}: what the table adds to the mode. */
    public String storageSuffix() {
        return (dtype.equals("float32") ? "" : " " + dtype) + (layout.equals("nchw") ? "" : " " + layout)
                + (host.equals("heap") ? "" : " " + host);
    }

    /** The kernel's bandwidth as a fraction of the device's copy bandwidth. */
    public double fractionOfCopy() {
        return gbps / copyGbps;
    }
}
