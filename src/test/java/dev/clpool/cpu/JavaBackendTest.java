package dev.clpool.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.op.AdaptivePool;
import dev.clpool.op.DevicePoolResult;
import dev.clpool.op.OutputSize;
import dev.clpool.op.PoolResult;
import dev.clpool.op.PyramidPool;
import dev.clpool.plan.BackwardPlan;
import dev.clpool.plan.PoolPlan;
import dev.clpool.plan.PyramidPlan;
import dev.clpool.plan.Runs;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.DeviceTensor;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import dev.clpool.testing.LaunchLog;
import dev.clpool.testing.StorageAssert;
import dev.clpool.testing.TestDevices;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The Java path as a {@code Backend}: host tensors of any storage in any mix (the SPI's contract, which
 * the facade does not exercise: its outputs always take the input's kind), its device tensors, its launch
 * lines, its timing and its copy bandwidth. Expected results come from the facade on heap arrays.
 */
class JavaBackendTest {
    private final JavaBackend backend = new JavaBackend();

    private static Tensor values(long seed, long... shape) {
        Random r = new Random(seed);
        float[] x = new float[Math.toIntExact(Shape.of(shape).elementCount())];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextInt(16) == 0 ? Float.NaN : r.nextInt(5) - 2 + (r.nextBoolean() ? 0f : 0.5f);
        }
        return Tensor.of(x, shape);
    }

    private static Tensor zeros(DType dtype, Shape shape, boolean direct) {
        return direct ? Tensor.allocateDirect(dtype, shape) : Tensor.zeros(dtype, shape, Layout.CONTIGUOUS);
    }

    @Test
    void pyramidsWriteOutputsOfAnyStorageFromAnyInput() {
        PyramidPool pyramid = PyramidPool.max2d(true, 1, 2, 3);
        Tensor heap = values(1, 2, 5, 9, 7);
        List<PoolResult> expected = TestDevices.java().pyramid(heap, pyramid);
        PyramidPlan plan = PyramidPlan.of(heap.shape(), pyramid);
        for (int mix = 0; mix < 8; mix++) { // bit 0: direct input, 1: direct values, 2: direct indices
            Tensor input = (mix & 1) != 0 ? heap.toDirect() : heap;
            List<Tensor> values = new ArrayList<>();
            List<Tensor> indices = new ArrayList<>();
            for (PoolPlan level : plan.levels()) {
                values.add(zeros(DType.FLOAT32, level.outputShape(), (mix & 2) != 0));
                indices.add(zeros(DType.INT64, level.outputShape(), (mix & 4) != 0));
            }
            backend.pyramid(plan, input, values, indices);
            for (int l = 0; l < values.size(); l++) {
                String what = "mix " + mix + ", level " + l;
                StorageAssert.assertBitExact(expected.get(l).values(), values.get(l), what);
                StorageAssert.assertBitExact(expected.get(l).indices(), indices.get(l), what + ", indices");
            }
        }
    }

    /** 56 planes of 128 x 128: scratch blocks of 4 planes (256 KiB), runs that end in a partial block (7 planes on 2 cores). */
    @Test
    void backwardPassesReadAndWriteAnyStorage() {
        Tensor x = values(2, 56, 128, 128);
        for (AdaptivePool op : new AdaptivePool[] {AdaptivePool.avg2d(OutputSize.of(5, 3)), AdaptivePool.max2d(OutputSize.of(5, 3), true)}) {
            PoolResult forward = TestDevices.java().pool(x, op);
            Tensor grad = values(3, 56, 5, 3);
            Tensor indices = forward.indices();
            Tensor expected = TestDevices.java().backward(op, x.shape(), grad, indices);
            BackwardPlan plan = BackwardPlan.of(x.shape(), op, grad.shape());
            for (int mix = 0; mix < 8; mix++) { // bit 0: direct gradOutput, 1: direct indices, 2: direct gradInput
                Tensor g = (mix & 1) != 0 ? grad.toDirect() : grad;
                Tensor i = indices == null ? null : (mix & 2) != 0 ? indices.toDirect() : indices;
                Tensor gradInput = zeros(DType.FLOAT32, x.shape(), (mix & 4) != 0);
                backend.backward(plan, g, i, gradInput);
                StorageAssert.assertBitExact(expected, gradInput, op + ", mix " + mix);
            }
        }
    }

    @Test
    void everyOperationLogsItsLaunch() {
        Tensor x = values(4, 3, 6, 6);
        AdaptivePool op = AdaptivePool.max2d(OutputSize.of(2), true);
        PoolPlan plan = PoolPlan.of(x.shape(), op);
        try (LaunchLog log = LaunchLog.capture()) {
            backend.pool(plan, x, zeros(DType.FLOAT32, plan.outputShape(), false), zeros(DType.INT64, plan.outputShape(), false));
            PyramidPlan pyramid = PyramidPlan.of(x.shape(), PyramidPool.avg2d(1, 2));
            backend.pyramid(pyramid, x, List.of(zeros(DType.FLOAT32, Shape.of(3, 1, 1), false),
                    zeros(DType.FLOAT32, Shape.of(3, 2, 2), false)), null);
            AdaptivePool avg = AdaptivePool.avg2d(OutputSize.of(2));
            backend.backward(BackwardPlan.of(x.shape(), avg, Shape.of(3, 2, 2)), values(5, 3, 2, 2), null,
                    zeros(DType.FLOAT32, x.shape(), false));
            List<String> lines = log.lines();
            assertEquals(3, lines.size(), lines.toString());
            assertTrue(lines.get(0).startsWith("launch " + backend.kernelFor(plan, DType.FLOAT32, Layout.CONTIGUOUS) + " on Java ("),
                    lines.get(0));
            assertTrue(lines.get(1).startsWith("launch pyramid-blocks on Java (") && lines.get(1).contains("global=[3]"), lines.get(1));
            assertTrue(lines.get(2).startsWith("launch gather on Java (") && lines.get(2).contains("global=[3]"), lines.get(2));
        }
    }

    @Test
    void deviceTensorsArePrivateCopiesThatRefuseUseOnceClosed() {
        Tensor x = values(6, 2, 4, 5).to(DType.FLOAT16);
        DeviceTensor t = backend.upload(x);
        assertEquals("DeviceTensor" + x.shape() + " float16 on the Java path", t.toString());
        assertEquals(backend.description(), t.device(), "the device a tensor belongs to");
        Tensor nhwc = values(6, 1, 2, 4, 5).toLayout(Layout.CHANNELS_LAST);
        assertEquals("DeviceTensor[1, 2, 4, 5] float32 " + Layout.CHANNELS_LAST + " on the Java path", backend.upload(nhwc).toString());
        Tensor back = Tensor.zeros(DType.FLOAT16, x.shape(), Layout.CONTIGUOUS);
        backend.download(t, back);
        StorageAssert.assertBitExact(x, back, "downloaded");
        t.close();
        IllegalStateException closed = assertThrows(IllegalStateException.class, () -> backend.download(t, back));
        assertTrue(closed.getMessage().contains("is closed"), closed.getMessage());
        DeviceTensor foreign = new JavaBackend().upload(x);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> backend.download(foreign, back));
        assertTrue(e.getMessage().contains("does not belong to this backend"), e.getMessage());
    }

    @Test
    void devicePoolingTimesItsWorkWithinTheCall() {
        Tensor x = values(7, 64, 32, 32);
        PoolPlan plan = PoolPlan.of(x.shape(), AdaptivePool.avg2d(OutputSize.of(3)));
        DeviceTensor t = backend.upload(x);
        long start = System.nanoTime();
        DevicePoolResult r = backend.pool(plan, t);
        long wall = System.nanoTime() - start;
        assertTrue(r.kernelNanos() > 0 && r.kernelNanos() <= wall, r.kernelNanos() + " ns of work in a call of " + wall + " ns");
        Tensor values = Tensor.zeros(DType.FLOAT32, plan.outputShape(), Layout.CONTIGUOUS);
        backend.download(r.values(), values);
        StorageAssert.assertBitExact(TestDevices.java().adaptiveAvgPool2d(x, OutputSize.of(3)), values, "pooled on the device");
    }

    /** Any memory copies somewhere between 10 MB/s and 10 TB/s: a rate outside that is a miscount. */
    @Test
    void copyBandwidthIsAPlausibleRate() {
        for (int runs : new int[] {1, 3}) {
            OptionalDouble gbps = backend.copyBandwidthGbps(8 << 20, runs);
            assertTrue(gbps.isPresent());
            assertTrue(gbps.getAsDouble() > 0.01 && gbps.getAsDouble() < 10_000, gbps.getAsDouble() + " GB/s, median of " + runs);
        }
        assertTrue(backend.transferRates(1 << 20, 1).isEmpty(), "no transfers on the host");
    }

    /** A few runs of planes per core, for balance, each a multiple of the planes the loops take side by side. */
    @Test
    void planesAreSharedInSeveralRunsPerCore() {
        Runs runs = Cores.split(1000, PlaneLoops.SIDE, 1 << 16);
        assertTrue(runs.count() >= 2L * Math.min(Cores.COUNT, 125), runs + " for " + Cores.COUNT + " cores");
        assertEquals(0, runs.length() % PlaneLoops.SIDE, runs.toString());
        assertEquals(1000, runs.end(runs.count() - 1));
        assertEquals(1, Cores.split(1000, PlaneLoops.SIDE, 1).count(), "too little work to hand to another thread");
    }
}
