package dev.clpool.opencl;

import dev.clpool.op.AdaptivePool;
import dev.clpool.op.OutputSize;
import dev.clpool.plan.PoolPlan;
import dev.clpool.spi.TransferRates;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.jocl.CL;
import org.jocl.Pointer;

/** The ceilings benchmarks are measured against: the device's copy bandwidth and its host transfer rates. */
final class DeviceMeasurements {
    private DeviceMeasurements() {
    }

    /** See {@link OpenClBackend#copyBandwidthGbps}. */
    static double copyBandwidth(DeviceSession s, long bytes, int runs) {
        long floats = bytes / Float.BYTES / 1024 * 1024;
        PoolPlan copy = PoolPlan.of(Shape.of(1, floats / 1024, 1024), AdaptivePool.avg2d(OutputSize.ofNullable(null, null)));
        long n = floats * Float.BYTES;
        try (BufferPool.Lease a = s.buffers.acquire(n); BufferPool.Lease b = s.buffers.acquire(n); BinTables.Lease bins = s.binTable(copy)) {
            double[] viaCopy = new double[runs];
            double[] viaKernel = new double[runs];
            for (int r = -1; r < runs; r++) {
                long t;
                try (ClEvent e = a.buffer.copyTo(s.queue, b.buffer, n)) {
                    t = e.deviceNanos();
                }
                long k = PoolKernels.run(s, PoolKernels.query(s, copy, DType.FLOAT32, Layout.CONTIGUOUS, 1), "copy", a.buffer, bins.buffer,
                        b.buffer, null);
                if (r >= 0) {
                    viaCopy[r] = t;
                    viaKernel[r] = k;
                }
            }
            return 2.0 * n / Math.min(median(viaCopy), median(viaKernel));
        }
    }

    /** See {@link OpenClBackend#transferRates}. */
    static TransferRates transfers(DeviceSession s, long bytes, int runs) {
        int floats = Math.toIntExact(bytes / Float.BYTES);
        long n = (long) floats * Float.BYTES;
        Tensor host = Tensor.of(new float[floats], floats);
        double[] pinnedWrite = new double[runs];
        double[] pinnedRead = new double[runs];
        double[] upload = new double[runs];
        double[] download = new double[runs];
        try (BufferPool.Lease device = s.buffers.acquire(n);
             ClBuffer pinned = ClBuffer.allocate(s.context, CL.CL_MEM_ALLOC_HOST_PTR | CL.CL_MEM_READ_WRITE, n, "pinned host buffer")) {
            ByteBuffer mapped = pinned.map(s.queue, CL.CL_MAP_READ | CL.CL_MAP_WRITE, 0, n);
            try {
                for (int r = -1; r < runs; r++) {
                    long w;
                    try (ClEvent e = device.buffer.writeAsync(s.queue, 0, n, Pointer.to(mapped))) {
                        w = e.deviceNanos();
                    }
                    long rd;
                    try (ClEvent e = device.buffer.readAsync(s.queue, 0, n, Pointer.to(mapped))) {
                        rd = e.deviceNanos();
                    }
                    long t0 = System.nanoTime();
                    s.transfers.write(device.buffer, 0, HostRegion.of(host, 0, floats));
                    long t1 = System.nanoTime();
                    s.transfers.read(device.buffer, 0, HostRegion.of(host, 0, floats));
                    long t2 = System.nanoTime();
                    if (r >= 0) {
                        pinnedWrite[r] = n / (double) w;
                        pinnedRead[r] = n / (double) rd;
                        upload[r] = n / (double) (t1 - t0);
                        download[r] = n / (double) (t2 - t1);
                    }
                }
            } finally {
                pinned.unmap(s.queue, mapped);
            }
        }
        return new TransferRates(median(pinnedWrite), median(pinnedRead), median(upload), median(download));
    }

    private static double median(double[] v) {
        double[] sorted = v.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
