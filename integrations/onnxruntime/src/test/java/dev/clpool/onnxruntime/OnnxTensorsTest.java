package dev.clpool.onnxruntime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.Float16;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import dev.clpool.testing.PipelineData;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Where conversions share memory and where they copy, proven by writing through one view and reading the other
 * (ONNX Runtime's {@code getFloatBuffer()} copies the native memory the session would read).
 */
class OnnxTensorsTest {
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    private static FloatBuffer directFloats(int n, ByteOrder order) {
        return ByteBuffer.allocateDirect(n * Float.BYTES).order(order).asFloatBuffer();
    }

    private static float[] onnxFloats(OnnxTensor t) {
        FloatBuffer b = t.getFloatBuffer();
        float[] f = new float[b.remaining()];
        b.get(f);
        return f;
    }

    private static float[] ramp(int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = i * 0.5f - 3;
        }
        return f;
    }

    @Test
    void anOnnxTensorOverADirectFloatBufferIsSharedNotCopied() throws OrtException {
        FloatBuffer memory = directFloats(6, ByteOrder.nativeOrder()).put(ramp(6)).flip();
        try (OnnxTensor onnx = OnnxTensor.createTensor(ENV, memory, new long[] {1, 2, 3})) {
            assertFalse(onnx.ownsBuffer(), "ONNX Runtime wraps a direct buffer as it is");
            Tensor t = OnnxTensors.toTensor(onnx);
            assertEquals(Shape.of(1, 2, 3), t.shape());
            assertTrue(t.isDirect());
            t.writeFloats(4, new float[] {42}, 0, 1);
            assertEquals(42, onnxFloats(onnx)[4], "a write through the clpool tensor is what ONNX Runtime reads");
            assertEquals(42, memory.get(4));
        }
    }

    @Test
    void anOnnxTensorOverADirectByteBufferIsSharedForEveryElementType() throws OrtException {
        ByteBuffer bytes = ByteBuffer.allocateDirect(4 * 2).order(ByteOrder.nativeOrder());
        for (int i = 0; i < 4; i++) {
            bytes.putShort(Float16.fromFloat(i + 0.5f));
        }
        bytes.flip();
        try (OnnxTensor onnx = OnnxTensor.createTensor(ENV, bytes, new long[] {2, 2}, OnnxJavaType.FLOAT16)) {
            Tensor t = OnnxTensors.toTensor(onnx);
            assertEquals(DType.FLOAT16, t.dtype());
            assertTrue(t.isDirect());
            t.writeFloats(3, new float[] {-2}, 0, 1);
            assertEquals(-2, onnxFloats(onnx)[3]); // getFloatBuffer() widens FLOAT16 to float
            float[] read = new float[4];
            t.readFloats(0, read, 0, 4);
            assertArrayEquals(new float[] {0.5f, 1.5f, 2.5f, -2}, read);
        }
    }

    @Test
    void aTensorMadeFromAJavaArrayOrHeapBufferIsCopiedByOnnxRuntimeOnceAndThatCopyIsShared() throws OrtException {
        float[] array = ramp(4);
        try (OnnxTensor fromBuffer = OnnxTensor.createTensor(ENV, FloatBuffer.wrap(array), new long[] {4});
             OnnxTensor fromArray = OnnxTensor.createTensor(ENV, new float[][] {{1, 2}, {3, 4}})) {
            for (OnnxTensor onnx : new OnnxTensor[] {fromBuffer, fromArray}) {
                assertTrue(onnx.ownsBuffer(), "ONNX Runtime copies heap data into direct memory of its own");
                Tensor t = OnnxTensors.toTensor(onnx);
                assertTrue(t.isDirect());
                t.writeFloats(1, new float[] {7}, 0, 1);
                assertEquals(7, onnxFloats(onnx)[1], "clpool reads ONNX Runtime's copy in place");
            }
            assertEquals(ramp(4)[1], array[1]);
        }
    }

    @Test
    void anOutputOfASessionIsCopiedOutUnlessPinnedToSharedMemory() throws OrtException {
        int n = 2;
        Tensor avg = PipelineData.read("avg", 0);
        Tensor max = PipelineData.read("max", 0);
        try (OrtSession head = ENV.createSession(PipelineData.DIR.resolve("head.onnx").toString());
             OnnxTensor a = OnnxTensors.toOnnxTensor(ENV, avg);
             OnnxTensor m = OnnxTensors.toOnnxTensor(ENV, max);
             SharedOnnxTensor logits = OnnxTensors.allocate(ENV, DType.FLOAT32, Shape.of(n, 10))) {
            Map<String, OnnxTensor> inputs = Map.of("avg", a, "max", m);
            try (OrtSession.Result allocated = head.run(inputs)) {
                OnnxTensor out = (OnnxTensor) allocated.get(0);
                assertFalse(out.ownsBuffer(), "a session's own output is native memory, reachable only through a copy");
                Tensor copied = OnnxTensors.toTensor(out);
                assertFalse(copied.isDirect(), "getByteBuffer() copies into the heap");
                copied.writeFloats(0, new float[] {1e6f}, 0, 1);
                assertNotEquals(1e6f, onnxFloats(out)[0], "the copy is the caller's");
                try (OrtSession.Result pinned = head.run(inputs, Map.of("logits", logits.onnxTensor()))) {
                    assertFalse(pinned.isResultOwner(0));
                    assertArrayEquals(OnnxTensors.toTensor(out).toHeap().floats(), logits.tensor().toHeap().floats(),
                            "ONNX Runtime wrote the pinned output into the clpool tensor's memory");
                }
            }
        }
    }

    @Test
    void aDirectTensorBecomesAnOnnxTensorWithoutACopy() throws OrtException {
        Tensor t = Tensor.allocateDirect(DType.FLOAT32, Shape.of(2, 3));
        try (OnnxTensor onnx = OnnxTensors.toOnnxTensor(ENV, t)) {
            assertFalse(onnx.ownsBuffer());
            assertArrayEquals(new long[] {2, 3}, onnx.getInfo().getShape());
            t.writeFloats(5, new float[] {-1.25f}, 0, 1);
            assertEquals(-1.25f, onnxFloats(onnx)[5], "ONNX Runtime reads the clpool tensor's memory");
        }
    }

    @Test
    void aHeapTensorIsCopiedOnce() throws OrtException {
        float[] data = ramp(6);
        try (OnnxTensor onnx = OnnxTensors.toOnnxTensor(ENV, Tensor.of(data, 3, 2))) {
            data[0] = 100;
            assertArrayEquals(ramp(6), onnxFloats(onnx));
        }
    }

    @Test
    void aBigEndianBufferIsCopiedIntoNativeOrder() throws OrtException {
        ByteBuffer bytes = ByteBuffer.allocateDirect(6 * Float.BYTES).order(ByteOrder.BIG_ENDIAN);
        bytes.asFloatBuffer().put(ramp(6));
        try (OnnxTensor onnx = OnnxTensors.toOnnxTensor(ENV, Tensor.of(bytes, DType.FLOAT32, Shape.of(6)))) {
            assertArrayEquals(ramp(6), onnxFloats(onnx), "ONNX Runtime reads native order; the big-endian tensor was converted");
        }
    }

    @Test
    void aChannelsLastTensorArrivesInCOrder() throws OrtException {
        Tensor logical = Tensor.of(ramp(2 * 3 * 2 * 2), 2, 3, 2, 2);
        Tensor nhwc = logical.toLayout(Layout.CHANNELS_LAST);
        try (OnnxTensor onnx = OnnxTensors.toOnnxTensor(ENV, nhwc)) {
            assertArrayEquals(new long[] {2, 3, 2, 2}, onnx.getInfo().getShape());
            assertArrayEquals(logical.floats(), onnxFloats(onnx));
        }
    }

    @Test
    void everyElementTypeRoundTrips() throws OrtException {
        Tensor f32 = Tensor.of(ramp(6), 2, 3);
        for (DType dtype : new DType[] {DType.FLOAT16, DType.BFLOAT16, DType.FLOAT64}) {
            Tensor t = f32.to(dtype);
            try (OnnxTensor onnx = OnnxTensors.toOnnxTensor(ENV, t)) {
                assertEquals(OnnxTypes.onnxType(dtype), onnx.getInfo().type);
                Tensor back = OnnxTensors.toTensor(onnx);
                assertEquals(dtype, back.dtype());
                assertArrayEquals(f32.floats(), back.to(DType.FLOAT32).floats(), dtype.toString());
            }
        }
        long[] indices = {0, 5, -1, Long.MAX_VALUE};
        try (OnnxTensor onnx = OnnxTensors.toOnnxTensor(ENV, Tensor.ofInt64(indices, Shape.of(2, 2)))) {
            assertEquals(OnnxJavaType.INT64, onnx.getInfo().type);
            assertArrayEquals(indices, OnnxTensors.toTensor(onnx).toHeap().int64s());
        }
    }

    @Test
    void anElementTypeClpoolDoesNotHoldIsNamed() throws OrtException {
        try (OnnxTensor ints = OnnxTensor.createTensor(ENV, IntBuffer.wrap(new int[15]), new long[] {1, 3, 5})) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxTensors.toTensor(ints));
            assertEquals("tensor: ONNX tensor of INT32 [1, 3, 5]: expected FLOAT (float32), FLOAT16, BFLOAT16, DOUBLE (float64)"
                    + " or INT64", e.getMessage());
        }
    }
}
