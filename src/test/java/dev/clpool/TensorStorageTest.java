package dev.clpool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.tensor.BFloat16;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.Float16;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The storage types and layouts of {@link Tensor}: factories, accessors, views, reordering and conversion. */
class TensorStorageTest {

    @Test
    void factoriesWrapTheirArrays() {
        short[] h = {0x3c00, 0x4000};
        Tensor f16 = Tensor.ofFloat16(h, 1, 2);
        assertSame(h, f16.shorts());
        assertEquals(DType.FLOAT16, f16.dtype());
        assertEquals("Tensor[1, 2] float16", f16.toString());
        Tensor bf16 = Tensor.ofBFloat16(h, Shape.of(2));
        assertEquals(DType.BFLOAT16, bf16.dtype());
        assertSame(h, bf16.shorts());
        double[] d = {1, 2, 3};
        Tensor f64 = Tensor.of(d, 3);
        assertSame(d, f64.doubles());
        assertEquals(DType.FLOAT64, f64.dtype());
        assertSame(d, f64.array());
        IllegalStateException e = assertThrows(IllegalStateException.class, f64::floats);
        assertTrue(e.getMessage().contains("float64"), e.getMessage());
        assertThrows(IllegalStateException.class, f64::shorts);
        assertThrows(IllegalStateException.class, f16::doubles);
        assertThrows(IllegalArgumentException.class, () -> Tensor.ofFloat16(new short[3], 2, 2));
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(new double[3], 2, 2));
    }

    @Test
    void dtypesAndLayoutsParse() {
        assertEquals(2, DType.FLOAT16.byteSize());
        assertEquals(2, DType.BFLOAT16.byteSize());
        assertEquals(8, DType.FLOAT64.byteSize());
        assertEquals(DType.FLOAT16, DType.parse("half"));
        assertEquals(DType.BFLOAT16, DType.parse(" BFloat16 "));
        assertEquals(DType.FLOAT64, DType.parse("double"));
        assertEquals(DType.FLOAT32, DType.parse("float32"));
        assertTrue(DType.FLOAT16.isFloatingPoint() && !DType.INT64.isFloatingPoint());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DType.parse("int8"));
        assertTrue(e.getMessage().contains("'int8'"), e.getMessage());
        assertEquals(Layout.CHANNELS_LAST, Layout.parse("NHWC"));
        assertEquals(Layout.CHANNELS_LAST, Layout.parse("channels_last_3d"));
        assertEquals(Layout.CONTIGUOUS, Layout.parse("nchw"));
        assertThrows(IllegalArgumentException.class, () -> Layout.parse("hwc"));
        assertEquals(Shape.of(2, 5, 7, 3), Layout.CHANNELS_LAST.physicalShape(Shape.of(2, 3, 5, 7)));
        assertEquals(Shape.of(2, 3, 4, 5, 7), Layout.CHANNELS_LAST.logicalShape(Shape.of(2, 4, 5, 7, 3)));
        assertEquals(Shape.of(2, 3, 5, 7), Layout.CONTIGUOUS.physicalShape(Shape.of(2, 3, 5, 7)));
    }

    @Test
    void channelsLastNeedsFourOrFiveDimensions() {
        Tensor t = Tensor.of(new float[6], 1, 2, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.withLayout(Layout.CHANNELS_LAST));
        assertTrue(e.getMessage().contains("channels_last") && e.getMessage().contains("[1, 2, 3]"), e.getMessage());
        assertEquals(Layout.CHANNELS_LAST, Tensor.of(new float[6], 1, 2, 3, 1).withLayout(Layout.CHANNELS_LAST).layout());
        assertEquals(Layout.CHANNELS_LAST, Tensor.of(new float[6], 1, 2, 1, 3, 1).withLayout(Layout.CHANNELS_LAST).layout());
    }

    @Test
    void toLayoutReordersAndBack() {
        // (N, C, H, W) = (2, 3, 2, 2), element value = its planar index.
        float[] planar = new float[24];
        for (int i = 0; i < 24; i++) {
            planar[i] = i;
        }
        Tensor t = Tensor.of(planar, 2, 3, 2, 2);
        Tensor nhwc = t.toLayout(Layout.CHANNELS_LAST);
        assertEquals(Layout.CHANNELS_LAST, nhwc.layout());
        assertEquals(Shape.of(2, 3, 2, 2), nhwc.shape(), "the shape stays logical");
        assertEquals(Shape.of(2, 2, 2, 3), nhwc.physicalShape());
        assertEquals("Tensor[2, 3, 2, 2] float32 channels_last", nhwc.toString());
        // Element (n, c, h, w) at ((n * H + h) * W + w) * C + c.
        for (int n = 0; n < 2; n++) {
            for (int c = 0; c < 3; c++) {
                for (int s = 0; s < 4; s++) {
                    assertEquals(planar[(n * 3 + c) * 4 + s], nhwc.floats()[(n * 4 + s) * 3 + c]);
                }
            }
        }
        assertArrayEquals(planar, nhwc.toLayout(Layout.CONTIGUOUS).floats());
        assertNotSame(planar, t.toLayout(Layout.CONTIGUOUS).floats(), "a copy even in the same layout");
        // Every array type reorders the same way.
        Tensor h = t.to(DType.FLOAT16).toLayout(Layout.CHANNELS_LAST);
        assertArrayEquals(nhwc.floats(), h.to(DType.FLOAT32).floats());
        Tensor d = t.to(DType.FLOAT64).toLayout(Layout.CHANNELS_LAST).toLayout(Layout.CONTIGUOUS);
        assertArrayEquals(planar, d.to(DType.FLOAT32).floats());
        long[] ix = new long[24];
        Tensor i64 = Tensor.ofInt64(ix, Shape.of(2, 3, 2, 2)).toLayout(Layout.CHANNELS_LAST);
        assertEquals(DType.INT64, i64.dtype());
        // 3-d channels last: (N, C, D, H, W) = (1, 2, 2, 1, 2).
        float[] p5 = {0, 1, 2, 3, 10, 11, 12, 13};
        assertArrayEquals(new float[] {0, 10, 1, 11, 2, 12, 3, 13},
                Tensor.of(p5, 1, 2, 2, 1, 2).toLayout(Layout.CHANNELS_LAST).floats());
    }

    @Test
    void viewReinterpretsWithoutCopying() {
        float[] nhwc = {0, 10, 1, 11};
        Tensor physical = Tensor.of(nhwc, 1, 1, 2, 2);
        Tensor logical = physical.view(Layout.CHANNELS_LAST.logicalShape(physical.shape()), Layout.CHANNELS_LAST);
        assertSame(nhwc, logical.floats());
        assertEquals(Shape.of(1, 2, 1, 2), logical.shape());
        assertArrayEquals(new float[] {0, 1, 10, 11}, logical.toLayout(Layout.CONTIGUOUS).floats());
        assertThrows(IllegalArgumentException.class, () -> physical.view(Shape.of(5), Layout.CONTIGUOUS));
    }

    @Test
    void conversionsRoundAsPyTorch() {
        Tensor f = Tensor.of(new float[] {1f, 65519f, 65520f, 1.00390625f, Float.NaN}, 5);
        assertArrayEquals(new short[] {0x3c00, 0x7bff, 0x7c00, 0x3c04, Float16.NaN}, f.to(DType.FLOAT16).shorts());
        assertArrayEquals(new short[] {0x3f80, 0x4780, 0x4780, 0x3f80, BFloat16.NaN}, f.to(DType.BFLOAT16).shorts());
        assertArrayEquals(new double[] {1, 65519, 65520, 1.00390625, Double.NaN}, f.to(DType.FLOAT64).doubles());
        // float64 to float16 goes through float32, as PyTorch's conversion: 1 + 2^-11 + 2^-30 rounds to
        // float32 1 + 2^-11 (a float16 tie), then to even, 1; rounding directly would give 1 + 2^-10.
        double justAboveTie = 1 + Math.scalb(1.0, -11) + Math.scalb(1.0, -30);
        assertEquals(0x3c00, Tensor.of(new double[] {justAboveTie}, 1).to(DType.FLOAT16).shorts()[0]);
        assertEquals(DType.FLOAT32, Tensor.ofFloat16(new short[] {0x3c00}, 1).to(DType.FLOAT32).dtype());
        assertThrows(IllegalArgumentException.class, () -> Tensor.ofInt64(new long[1], Shape.of(1)).to(DType.FLOAT32));
        Tensor cl = Tensor.of(new float[4], 1, 2, 1, 2).withLayout(Layout.CHANNELS_LAST);
        assertEquals(Layout.CHANNELS_LAST, cl.to(DType.FLOAT16).layout(), "conversion keeps the layout");
    }

    @Test
    void zerosAndCopies() {
        Tensor z = Tensor.zeros(DType.BFLOAT16, Shape.of(1, 2, 3, 4), Layout.CHANNELS_LAST);
        assertEquals(24, z.shorts().length);
        assertEquals(Layout.CHANNELS_LAST, z.layout());
        Tensor c = z.copy();
        assertNotSame(z.shorts(), c.shorts());
        assertEquals(z.toString(), c.toString());
        assertEquals(DType.FLOAT64, Tensor.zeros(DType.FLOAT64, Shape.of(3), Layout.CONTIGUOUS).dtype());
    }
}
