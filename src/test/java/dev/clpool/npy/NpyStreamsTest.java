package dev.clpool.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.tensor.DType;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import dev.clpool.testing.Allocations;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code .npy} images as byte arrays, buffers and streams: every dtype both ways with the file writer's
 * exact bytes, buffers left as they were, images one after another in a stream, big-endian input, and
 * the file reader's refusals, naming the source and allocating nothing like the declared size.
 */
class NpyStreamsTest {
    @TempDir
    Path dir;

    /** The ways an image reaches {@link Npy}: each prepares its source before anything is measured. */
    enum Form {
        BYTES("the .npy bytes") {
            @Override
            Reading over(byte[] image) {
                return (name, bf16) -> name == null ? (bf16 ? Npy.readBFloat16(image) : Npy.read(image))
                        : (bf16 ? Npy.readBFloat16(image, name) : Npy.read(image, name));
            }
        },
        HEAP_BUFFER("the .npy buffer") {
            @Override
            Reading over(byte[] image) {
                return buffer(ByteBuffer.allocate(image.length + 12), image);
            }
        },
        DIRECT_BUFFER("the .npy buffer") {
            @Override
            Reading over(byte[] image) {
                return buffer(ByteBuffer.allocateDirect(image.length + 12), image);
            }
        },
        STREAM("the .npy stream") {
            @Override
            Reading over(byte[] image) {
                return stream(new ByteArrayInputStream(image));
            }
        },
        ONE_BYTE_PER_READ("the .npy stream") {
            @Override
            Reading over(byte[] image) {
                return stream(new Trickle(new ByteArrayInputStream(image)));
            }
        };

        final String defaultName;

        Form(String defaultName) {
            this.defaultName = defaultName;
        }

        abstract Reading over(byte[] image);

        /** The image between 7 bytes before and 5 after, the position and limit around it. */
        static Reading buffer(ByteBuffer b, byte[] image) {
            b.put(new byte[7]).put(image).put(new byte[5]).position(7).limit(7 + image.length);
            return (name, bf16) -> name == null ? (bf16 ? Npy.readBFloat16(b) : Npy.read(b))
                    : (bf16 ? Npy.readBFloat16(b, name) : Npy.read(b, name));
        }

        static Reading stream(InputStream in) {
            return (name, bf16) -> name == null ? (bf16 ? Npy.readBFloat16(in) : Npy.read(in))
                    : (bf16 ? Npy.readBFloat16(in, name) : Npy.read(in, name));
        }
    }

    /** One read of a prepared source; a null name asks for the default one. */
    @FunctionalInterface
    interface Reading {
        Tensor read(String name, boolean bfloat16Bits) throws IOException;
    }

    /** A stream that hands out one byte per read call, as a slow socket may. */
    static final class Trickle extends FilterInputStream {
        Trickle(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return super.read(b, off, Math.min(len, 1));
        }
    }

    // ---------------------------------------------------------------- round trips

    static Stream<Arguments> tensors() {
        short[] halfs = new short[65536];
        for (int i = 0; i < halfs.length; i++) {
            halfs[i] = (short) i;
        }
        double[] doubles = new double[100_000];
        for (int i = 0; i < doubles.length; i++) {
            doubles[i] = i / 3.0 - 17;
        }
        float[] floats = {0f, -0f, Float.NaN, Float.intBitsToFloat(0x7fc01234), Float.MIN_VALUE, Float.NEGATIVE_INFINITY};
        return Stream.of(
                Arguments.of("every float16 pattern", Tensor.ofFloat16(halfs, 256, 256)),
                Arguments.of("bfloat16", Tensor.ofBFloat16(new short[] {0x3f80, (short) 0xbf80, 0x7fc1, 1}, 2, 2)),
                Arguments.of("float32 with NaN payloads", Tensor.of(floats, 2, 3)),
                Arguments.of("float32 channels last", Tensor.of(new float[] {0, 10, 1, 11, 2, 12}, 1, 1, 3, 2)
                        .view(Shape.of(1, 2, 1, 3), Layout.CHANNELS_LAST)),
                Arguments.of("float32 0-d", Tensor.of(new float[] {2.5f})),
                Arguments.of("float64 past the copy chunk", Tensor.of(doubles, 4, 25_000)),
                Arguments.of("int64", Tensor.ofInt64(new long[] {Long.MIN_VALUE, -1, 0, Long.MAX_VALUE}, Shape.of(4))),
                Arguments.of("int64 empty", Tensor.ofInt64(new long[0], Shape.of(0, 3))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tensors")
    void everyDtypeRoundTripsThroughEveryFormWithTheFileWritersBytes(String what, Tensor t) throws IOException {
        Path file = dir.resolve("t.npy");
        Npy.write(file, t);
        byte[] fileBytes = Files.readAllBytes(file);
        assertArrayEquals(fileBytes, Npy.toBytes(t), "toBytes");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(t, out);
        assertArrayEquals(fileBytes, out.toByteArray(), "write to a stream");

        boolean bf16 = t.dtype() == DType.BFLOAT16;
        for (Form form : Form.values()) {
            Tensor back = form.over(fileBytes).read(null, bf16);
            assertEquals(t.dtype(), back.dtype(), form.name());
            assertEquals(t.physicalShape(), back.shape(), form + ": the array in memory order, as the file reader reads it");
            assertArrayEquals(fileBytes, Npy.toBytes(back), form + ": every bit back");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Form.class, names = {"HEAP_BUFFER", "DIRECT_BUFFER"})
    void aBufferIsReadFromPositionToLimitAndLeftAsItWas(Form form) throws IOException {
        byte[] image = Npy.toBytes(Tensor.of(new float[] {1, 2, 3}, 3));
        ByteBuffer b = form == Form.HEAP_BUFFER ? ByteBuffer.allocate(image.length + 9) : ByteBuffer.allocateDirect(image.length + 9);
        b.put(new byte[4]).put(image).put(new byte[5]).position(4).limit(4 + image.length).order(ByteOrder.LITTLE_ENDIAN);
        assertArrayEquals(new float[] {1, 2, 3}, Npy.read(b).floats());
        assertEquals(4, b.position());
        assertEquals(4 + image.length, b.limit());
        assertEquals(ByteOrder.LITTLE_ENDIAN, b.order());
        // The bytes past the limit are not part of it: widened by one, the image has trailing data.
        b.limit(b.limit() + 1);
        assertTrue(assertThrows(NpyFormatException.class, () -> Npy.read(b)).getMessage().contains("trailing data"));
        assertEquals(4, b.position());
    }

    @Test
    void imagesWrittenOneAfterAnotherReadBackOneAfterAnother() throws IOException {
        Tensor a = Tensor.of(new float[] {1, -2}, 2);
        Tensor b = Tensor.ofBFloat16(new short[] {0x4000}, 1);
        Tensor c = Tensor.ofInt64(new long[] {7, 8, 9}, Shape.of(3, 1));
        boolean[] closed = {false};
        ByteArrayOutputStream out = new ByteArrayOutputStream() {
            @Override
            public void close() {
                closed[0] = true;
            }
        };
        Npy.write(a, out);
        Npy.write(b, out);
        Npy.write(c, out);
        out.write("tail".getBytes(StandardCharsets.US_ASCII));
        assertFalse(closed[0], "writing does not close the stream");

        for (InputStream in : List.of(new ByteArrayInputStream(out.toByteArray()), new Trickle(new ByteArrayInputStream(out.toByteArray())))) {
            assertArrayEquals(a.floats(), Npy.read(in).floats());
            assertArrayEquals(b.shorts(), Npy.readBFloat16(in, "second").shorts());
            Tensor back = Npy.read(in, "third");
            assertEquals(Shape.of(3, 1), back.shape());
            assertArrayEquals(c.int64s(), back.int64s());
            assertEquals("tail", new String(in.readAllBytes(), StandardCharsets.US_ASCII), "the stream is left just after the last image");
        }
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    void bigEndianImagesReadAsFilesDo(Form form) throws IOException {
        ByteBuffer f2 = ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN).putShort((short) 0x3c00).putShort((short) 0xc000);
        ByteBuffer f4 = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putFloat(1.5f).putFloat(-2);
        ByteBuffer f8 = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN).putDouble(Math.PI).putDouble(-0.0);
        ByteBuffer i8 = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN).putLong(-3).putLong(1L << 50);
        ByteBuffer u2 = ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN).putShort((short) 0x3f80).putShort((short) 0xc000);
        assertArrayEquals(new short[] {0x3c00, (short) 0xc000}, form.over(image(">f2", f2)).read(null, false).shorts());
        assertArrayEquals(new float[] {1.5f, -2}, form.over(image(">f4", f4)).read(null, false).floats());
        assertArrayEquals(new double[] {Math.PI, -0.0}, form.over(image(">f8", f8)).read(null, false).doubles());
        assertArrayEquals(new long[] {-3, 1L << 50}, form.over(image(">i8", i8)).read(null, false).int64s());
        Tensor bf16 = form.over(image(">u2", u2)).read(null, true);
        assertEquals(DType.BFLOAT16, bf16.dtype());
        assertArrayEquals(new short[] {0x3f80, (short) 0xc000}, bf16.shorts());
    }

    static byte[] image(String descr, ByteBuffer data) {
        return NpyTest.npy(1, NpyTest.dict(descr, "False", "(" + data.capacity() / Integer.parseInt(descr.substring(2)) + ",)"), data.array());
    }

    // ---------------------------------------------------------------- refusals

    static NpyFormatException refused(Form form, byte[] image, String name, String... fragments) {
        Reading reading = form.over(image);
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> reading.read(name, false), form.name());
        String expectedName = name == null ? form.defaultName : name;
        assertTrue(e.getMessage().startsWith(expectedName + ": "), form + ": the message names the source: " + e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), form + ": the message must say '" + f + "': " + e.getMessage());
        }
        return e;
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    void damagedImagesAreRefusedNamingTheSource(Form form) {
        byte[] good = NpyTest.npy(1, NpyTest.dict("<f4", "False", "(10,)"), new byte[40]);
        for (String name : Arrays.asList(null, "s3://bucket/part-00007.npy")) {
            refused(form, Arrays.copyOf(good, good.length - 4), name, "truncated", "needs 40 bytes", "has 36");
            refused(form, Arrays.copyOf(good, 40), name, "truncated", "header needs 128 bytes", "has 40");
            refused(form, Arrays.copyOf(good, 8), name, "not a .npy file", "8 bytes");
            refused(form, new byte[0], name, "not a .npy file", "0 bytes");
            byte[] magic = good.clone();
            magic[1] = 'X';
            refused(form, magic, name, "bad magic");
            refused(form, NpyTest.npy(1, NpyTest.dict("<i4", "False", "(2,)"), new byte[8]), name, "'<i4'", "int32");
            refused(form, NpyTest.npy(1, NpyTest.dict("<f4", "True", "(2, 5)"), new byte[40]), name, "Fortran");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Form.class, names = {"BYTES", "HEAP_BUFFER", "DIRECT_BUFFER"})
    void anArrayOrBufferMustHoldExactlyOneImage(Form form) {
        byte[] good = NpyTest.npy(1, NpyTest.dict("<f4", "False", "(10,)"), new byte[40]);
        refused(form, Arrays.copyOf(good, good.length + 3), null, "trailing data", "needs 40 bytes", "has 43");
    }

    /** The read of {@code image} through {@code form}, with the bytes the reading thread allocated, the source prepared before. */
    static Allocations.Measured measured(Form form, byte[] image) {
        Reading reading = form.over(image);
        return assertTimeoutPreemptively(Duration.ofSeconds(5), () -> Allocations.measure(() -> reading.read("big", false)));
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    void absurdDeclaredSizesFailFastWithoutAllocatingThem(Form form) {
        // 4 TiB declared in a header alone, refused from the header (by the size, or a stream by the element count).
        Allocations.Measured m = measured(form, NpyTest.npy(1, NpyTest.dict("<f4", "False", "(1024, 1024, 1024, 1024)"), new byte[0]));
        assertSame(NpyFormatException.class, m.thrown().getClass(), String.valueOf(m.thrown()));
        assertTrue(m.thrown().getMessage().startsWith("big: ") && m.thrown().getMessage().contains("[1024, 1024, 1024, 1024]"),
                m.thrown().getMessage());
        assertTrue(m.bytes() < 1 << 20, form + ": refusing allocated " + m.bytes() + " bytes");

        // 256 MiB declared, 4 KiB there: a stream finds out only as its data ends, having grown nothing yet.
        m = measured(form, NpyTest.npy(1, NpyTest.dict("<f4", "False", "(64, 1024, 1024)"), new byte[4096]));
        assertSame(NpyFormatException.class, m.thrown().getClass(), String.valueOf(m.thrown()));
        assertTrue(m.thrown().getMessage().contains("truncated") && m.thrown().getMessage().contains("needs 268435456 bytes")
                && m.thrown().getMessage().contains("has 4096"), m.thrown().getMessage());
        assertTrue(m.bytes() < 1 << 20, form + ": refusing allocated " + m.bytes() + " bytes");

        // A version 2.0 header whose length field claims 4 GiB of header text.
        m = measured(form, new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, -1, -1, -1, -1});
        assertSame(NpyFormatException.class, m.thrown().getClass(), String.valueOf(m.thrown()));
        assertTrue(m.thrown().getMessage().contains("malformed"), m.thrown().getMessage());
        assertTrue(m.bytes() < 1 << 20, form + ": refusing allocated " + m.bytes() + " bytes");
    }

    @Test
    void readsThatReturnNoBytesBeforeTheEndAreReadOn() throws IOException {
        // A read may bring nothing yet (FileChannel.read, which the file reader uses, may): only -1 is the end.
        Tensor t = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        InputStream stuttering = new FilterInputStream(new ByteArrayInputStream(Npy.toBytes(t))) {
            private boolean nothing;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                nothing = !nothing;
                return nothing ? 0 : super.read(b, off, Math.min(len, 3));
            }
        };
        assertArrayEquals(t.floats(), Npy.read(stuttering).floats());
    }

    @Test
    void aStreamThatEndsPartwayCostsASmallMultipleOfWhatItSent() {
        // 4 MiB declared, 3 MiB sent: the array grows with the data and is refused when the stream ends.
        int sent = 3 << 20;
        Allocations.Measured m = measured(Form.STREAM, NpyTest.npy(1, NpyTest.dict("<f4", "False", "(1048576,)"), new byte[sent]));
        assertSame(NpyFormatException.class, m.thrown().getClass(), String.valueOf(m.thrown()));
        assertTrue(m.thrown().getMessage().contains("needs 4194304 bytes of data and has " + sent), m.thrown().getMessage());
        assertTrue(m.bytes() < 4L * sent, "refusing allocated " + m.bytes() + " bytes");
    }
}
