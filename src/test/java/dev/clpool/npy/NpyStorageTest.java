package dev.clpool.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.tensor.DType;
import dev.clpool.tensor.Float16;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code .npy} files of the storage types beyond float32: float16 ({@code <f2}), float64 ({@code <f8}),
 * bfloat16 as its bits ({@code <u2}, also read from {@code <i2} and {@code |V2}); the exact bytes NumPy
 * writes; big-endian files; and channels-last tensors written in memory order.
 */
class NpyStorageTest {
    @TempDir
    Path dir;

    @Test
    void tensorsInBuffersAreWrittenAsTheSameArrayAsOnTheHeap() throws IOException {
        float[] v = {1.5f, -0f, Float.NaN, 3e38f, -2f, 0.25f};
        Tensor heap = Tensor.of(v, 2, 3);
        ByteBuffer big = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.BIG_ENDIAN);
        big.asFloatBuffer().put(v);
        for (Tensor t : new Tensor[] {heap.toDirect(), Tensor.of(big, DType.FLOAT32, heap.shape()),
            heap.to(DType.FLOAT16).toDirect(), Tensor.ofInt64(new long[] {1, -2, 3}, Shape.of(3)).toDirect()}) {
            Tensor onHeap = t.toHeap();
            assertArrayEquals(Npy.toBytes(onHeap), Npy.toBytes(t), t.toString());
            Path p = dir.resolve("buffer.npy");
            Npy.write(p, t);
            assertArrayEquals(Npy.toBytes(onHeap), Files.readAllBytes(p), t.toString());
        }
    }

    @Test
    void float16RoundTripKeepsEveryPattern() throws IOException {
        short[] all = new short[65536];
        for (int i = 0; i < all.length; i++) {
            all[i] = (short) i;
        }
        Path p = dir.resolve("h.npy");
        Npy.write(p, Tensor.ofFloat16(all, 256, 256));
        Tensor back = Npy.read(p);
        assertEquals(DType.FLOAT16, back.dtype());
        assertEquals(Shape.of(256, 256), back.shape());
        assertArrayEquals(all, back.shorts(), "every float16 pattern, NaN payloads too, unchanged");
        assertTrue(new String(Files.readAllBytes(p), 0, 64, StandardCharsets.ISO_8859_1).contains("'descr': '<f2'"));
    }

    @Test
    void float64RoundTripKeepsEveryBit() throws IOException {
        double[] v = {0, -0.0, 1, Double.MIN_VALUE, Double.MAX_VALUE, Double.NaN, Double.longBitsToDouble(0x7ff8000000000123L),
            Double.NEGATIVE_INFINITY, Math.PI, 1e-310};
        Path p = dir.resolve("d.npy");
        Npy.write(p, Tensor.of(v, 2, 5));
        Tensor back = Npy.read(p);
        assertEquals(DType.FLOAT64, back.dtype());
        for (int i = 0; i < v.length; i++) {
            assertEquals(Double.doubleToRawLongBits(v[i]), Double.doubleToRawLongBits(back.doubles()[i]), "element " + i);
        }
        // Past the 256 KiB copy chunk.
        double[] big = new double[200_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = i / 3.0;
        }
        Npy.write(p, Tensor.of(big, big.length));
        assertArrayEquals(big, Npy.read(p).doubles());
    }

    @Test
    void bfloat16IsWrittenAsUint16AndReadBackOnlyWhenAsked() throws IOException {
        short[] bits = {0x3f80, (short) 0xbf80, 0x7fc0, 0x0001, 0x7f80, 0};
        Path p = dir.resolve("b.npy");
        Npy.write(p, Tensor.ofBFloat16(bits, 6));
        assertTrue(new String(Files.readAllBytes(p), 0, 64, StandardCharsets.ISO_8859_1).contains("'descr': '<u2'"));
        Tensor back = Npy.readBFloat16(p);
        assertEquals(DType.BFLOAT16, back.dtype());
        assertArrayEquals(bits, back.shorts());
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.read(p));
        assertTrue(e.getMessage().contains("uint16") && e.getMessage().contains("bfloat16"), e.getMessage());
        // Other dtypes read as usual in bfloat16 mode; the caller checks what it got.
        Npy.write(p, Tensor.of(new float[] {1}, 1));
        assertEquals(DType.FLOAT32, Npy.readBFloat16(p).dtype());
    }

    @Test
    void int16AndVoidArraysAreBFloat16BitsWhenAsked() throws IOException {
        for (String descr : new String[] {"<i2", "|V2", "<u2"}) {
            Path p = dir.resolve("v.npy");
            Files.write(p, NpyTest.npy(1, NpyTest.dict(descr, "False", "(2,)"), new byte[] {(byte) 0x80, 0x3f, 0x00, (byte) 0xc0}));
            Tensor t = Npy.readBFloat16(p);
            assertEquals(DType.BFLOAT16, t.dtype(), descr);
            assertArrayEquals(new short[] {0x3f80, (short) 0xc000}, t.shorts(), descr);
        }
    }

    @Test
    void bigEndianFloat16AndFloat64() throws IOException {
        ByteBuffer h = ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN).putShort((short) 0x3c00).putShort((short) 0xc000);
        Path p = dir.resolve("be.npy");
        Files.write(p, NpyTest.npy(1, NpyTest.dict(">f2", "False", "(2,)"), h.array()));
        assertArrayEquals(new short[] {0x3c00, (short) 0xc000}, Npy.read(p).shorts());
        ByteBuffer d = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN).putDouble(1.5).putDouble(-2);
        Files.write(p, NpyTest.npy(1, NpyTest.dict(">f8", "False", "(2,)"), d.array()));
        assertArrayEquals(new double[] {1.5, -2}, Npy.read(p).doubles());
    }

    @Test
    void theBytesAreNumPys() throws IOException {
        // numpy.save('h.npy', numpy.array([1, -2], dtype='<f2')): header then 00 3c 00 c0.
        Path p = dir.resolve("h.npy");
        Npy.write(p, Tensor.ofFloat16(new short[] {Float16.fromFloat(1), Float16.fromFloat(-2)}, 2));
        byte[] b = Files.readAllBytes(p);
        assertEquals(128 + 4, b.length, "a 128-byte header, 4 bytes of data");
        String header = new String(b, 10, 118, StandardCharsets.ISO_8859_1);
        assertEquals("{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }", header.strip());
        assertArrayEquals(new byte[] {0x00, 0x3c, 0x00, (byte) 0xc0}, java.util.Arrays.copyOfRange(b, 128, 132));
    }

    @Test
    void channelsLastTensorsAreWrittenInMemoryOrder() throws IOException {
        // Logical (1, 2, 1, 3) in channels last: the array is (1, 1, 3, 2), as NumPy sees NHWC data.
        float[] nhwc = {0, 10, 1, 11, 2, 12};
        Tensor t = Tensor.of(nhwc, 1, 1, 3, 2).view(Shape.of(1, 2, 1, 3), Layout.CHANNELS_LAST);
        Path p = dir.resolve("cl.npy");
        Npy.write(p, t);
        Tensor back = Npy.read(p);
        assertEquals(Shape.of(1, 1, 3, 2), back.shape());
        assertArrayEquals(nhwc, back.floats());
        assertEquals(Layout.CONTIGUOUS, back.layout());
    }

    @Test
    void npzEntriesOfTheNewTypes() throws IOException {
        Path a = dir.resolve("h.npy");
        Path b = dir.resolve("u.npy");
        Npy.write(a, Tensor.ofFloat16(new short[] {0x3c00}, 1));
        Npy.write(b, Tensor.ofBFloat16(new short[] {0x4000}, 1));
        Path z = dir.resolve("a.npz");
        try (OutputStream o = Files.newOutputStream(z); ZipOutputStream zip = new ZipOutputStream(o)) {
            zip.putNextEntry(new ZipEntry("h.npy"));
            zip.write(Files.readAllBytes(a));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("u.npy"));
            zip.write(Files.readAllBytes(b));
            zip.closeEntry();
        }
        assertEquals(DType.FLOAT16, Npz.read(z, "h").dtype());
        assertEquals(DType.BFLOAT16, Npz.readBFloat16(z, "u").dtype());
        assertArrayEquals(new short[] {0x4000}, Npz.readBFloat16(z, "u").shorts());
        assertThrows(NpyFormatException.class, () -> Npz.read(z, "u"));
    }
}
