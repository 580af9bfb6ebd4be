package dev.clpool.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.Clpool;
import dev.clpool.op.AdaptivePool;
import dev.clpool.op.OutputSize;
import dev.clpool.op.PoolResult;
import dev.clpool.op.PyramidPool;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.Tensor;
import dev.clpool.testing.TensorAssert;
import dev.clpool.testing.TestDevices;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * On a device that shares host memory (PoCL here, integrated GPUs), host tensors in direct memory of
 * native order are pooled in place: the kernel reads and writes their own memory, so nothing is mapped
 * or copied before the kernel runs; Java arrays and big-endian buffers still go through one copy. Both
 * give the Java path's bits.
 */
class InPlaceHostMemoryTest {
    private static final AdaptivePool MAX = AdaptivePool.max2d(OutputSize.of(5, 3), true);

    private static Clpool unifiedMemoryDevice() {
        Clpool c = TestDevices.openCl();
        Assumptions.assumeTrue(c.openClDevices().get(0).hostUnifiedMemory(), "the device does not share host memory: " + c.device());
        return c;
    }

    private static Tensor input() {
        Random r = new Random(7);
        float[] x = new float[4 * 16 * 12 * 10];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextInt(7) == 0 ? Float.NaN : r.nextInt(5);
        }
        return Tensor.of(x, 4, 16, 12, 10);
    }

    /** The OpenCL calls of a pooling before its kernel launch. */
    private static List<String> beforeTheKernel(Clpool clpool, Tensor x, AdaptivePool op, PoolResult[] result) {
        ClFaults.Trace<PoolResult> t = ClFaults.record(() -> clpool.pool(x, op));
        result[0] = t.result();
        List<String> calls = t.functions();
        return calls.subList(0, calls.indexOf("clEnqueueNDRangeKernel"));
    }

    @Test
    void directTensorsArePooledInPlaceAndArraysAreCopied() {
        Clpool clpool = unifiedMemoryDevice();
        Tensor heap = input();
        PoolResult expected = TestDevices.java().pool(heap, MAX);
        PoolResult[] r = new PoolResult[1];

        List<String> direct = beforeTheKernel(clpool, heap.toDirect(), MAX, r);
        assertTrue(!direct.contains("clEnqueueMapBuffer") && !direct.contains("clEnqueueWriteBuffer"),
                "nothing copied in before the kernel: " + direct);
        assertTrue(r[0].values().isDirect() && r[0].indices().isDirect(), "results in direct memory, like the input");
        TensorAssert.assertBitExact(expected.values(), r[0].values().toHeap(), "case 1");
        TensorAssert.assertSameIndices(expected.indices(), r[0].indices().toHeap(), "direct indices");

        List<String> array = beforeTheKernel(clpool, heap, MAX, r);
        assertTrue(array.contains("clEnqueueMapBuffer") || array.contains("clEnqueueWriteBuffer"), "an array is copied in: " + array);
        TensorAssert.assertBitExact(expected.values(), r[0].values(), "case 2");

        ByteBuffer bigEndian = ByteBuffer.allocateDirect((int) heap.shape().elementCount() * Float.BYTES).order(ByteOrder.BIG_ENDIAN);
        bigEndian.asFloatBuffer().put(heap.floats());
        Tensor foreign = Tensor.of(bigEndian, DType.FLOAT32, heap.shape());
        List<String> swapped = beforeTheKernel(clpool, foreign, MAX, r);
        assertTrue(swapped.contains("clEnqueueMapBuffer") || swapped.contains("clEnqueueWriteBuffer"),
                "a big-endian buffer is copied (and swapped) in: " + swapped);
        TensorAssert.assertBitExact(expected.values(), r[0].values().toHeap(), "case 3");
    }

    @Test
    void pyramidsBackwardAndPoolIntoUseDirectMemoryInPlaceWithTheJavaPathsBits() {
        Clpool clpool = unifiedMemoryDevice();
        Tensor heap = input();
        Tensor direct = heap.toDirect();
        PyramidPool pyramid = PyramidPool.avg2d(1, 2, 3);
        List<PoolResult> expected = TestDevices.java().pyramid(heap, pyramid);
        List<PoolResult> got = clpool.pyramid(direct, pyramid);
        for (int l = 0; l < expected.size(); l++) {
            TensorAssert.assertBitExact(expected.get(l).values(), got.get(l).values().toHeap(), "case 4");
        }

        PoolResult forward = TestDevices.java().pool(heap, MAX);
        Tensor grad = forward.values();
        Tensor expectedGrad = TestDevices.java().backward(MAX, heap.shape(), grad, forward.indices());
        Tensor gotGrad = clpool.backward(MAX, heap.shape(), grad.toDirect(), forward.indices().toDirect());
        TensorAssert.assertBitExact(expectedGrad, gotGrad.toHeap(), "case 5");

        // Heap input, direct targets: the input is copied in, the kernel writes the targets in place.
        Tensor values = Tensor.allocateDirect(DType.FLOAT32, forward.values().shape());
        Tensor indices = Tensor.allocateDirect(DType.INT64, forward.indices().shape());
        clpool.poolInto(heap, MAX, values, indices);
        TensorAssert.assertBitExact(forward.values(), values.toHeap(), "case 6");
        TensorAssert.assertSameIndices(forward.indices(), indices.toHeap(), "poolInto indices");
    }
}
