package dev.clpool.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.Clpool;
import dev.clpool.npy.Npy;
import dev.clpool.npy.NpyFormatException;
import dev.clpool.npy.Npz;
import dev.clpool.op.AdaptivePool;
import dev.clpool.op.OutputSize;
import dev.clpool.op.PoolResult;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import dev.clpool.testing.StorageAssert;
import dev.clpool.testing.TestDevices.EngineSource;
import dev.clpool.testing.TestDevices;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code .npz} members stream as {@code .npy} files do: stored ones (NumPy's own archive, with ZIP64 local
 * headers, in either byte order) mapped from their offset, deflated ones inflated in chunks; corrupt
 * compressed data is refused naming the member. Runs ask for exactly the elements there are.
 */
class NpySourceTest {
    static final AdaptivePool MAX = AdaptivePool.max2d(OutputSize.of(2, 3), true);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource(TestDevices.ENGINES)
    void storedMembersOfNumpysArchiveAreMapped(EngineSource engine) throws IOException {
        Path archive = Path.of("test-data", "numpy-savez.npz");
        for (String key : new String[] {"x", "big_endian", "half"}) {
            try (ChunkSource source = NpySource.open(archive, key, Layout.CONTIGUOUS, false)) {
                assertInstanceOf(MappedSource.class, source);
            }
            assertPoolsAsInMemory(engine.get(), archive, key, Npz.read(archive, key));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(TestDevices.ENGINES)
    void deflatedMembersAreInflatedInChunks(EngineSource engine) throws IOException {
        Tensor x = StreamTestData.input(DType.FLOAT32, StreamingPoolTest.SHAPE, 31);
        Path archive = deflated(dir.resolve("x.npz"), Npy.toBytes(x));
        try (ChunkSource source = NpySource.open(archive, "x", Layout.CONTIGUOUS, false)) {
            assertInstanceOf(InflatedSource.class, source);
        }
        assertPoolsAsInMemory(engine.get(), archive, "x", x);
    }

    @Test
    void corruptCompressedDataIsRefusedNamingTheMember() throws IOException {
        float[] pattern = new float[Math.toIntExact(StreamingPoolTest.SHAPE.elementCount())];
        for (int i = 0; i < pattern.length; i++) {
            pattern[i] = i % 7 * 1.5f; // compressible: Huffman-coded blocks, which corruption breaks (stored blocks it would not)
        }
        Path archive = deflated(dir.resolve("bad.npz"), Npy.toBytes(Tensor.of(pattern, StreamingPoolTest.SHAPE)));
        long compressed;
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            compressed = zip.getEntry("x.npy").getCompressedSize();
        }
        byte[] bytes = Files.readAllBytes(archive);
        int data = 30 + "x.npy".length(); // after the local header, which has no extra field
        Arrays.fill(bytes, data + (int) compressed / 2, data + (int) compressed * 3 / 4, (byte) 0xff); // invalid codes past the header
        Files.write(archive, bytes);
        try (Clpool java = Clpool.open("cpu")) {
            IOException e = assertThrows(IOException.class, () -> {
                try (ChunkSource source = NpySource.open(archive, "x", Layout.CONTIGUOUS, false)) {
                    StreamingPool.pool(java, MAX, source, NpyFileSink.opener(dir.resolve("v.npy")),
                            NpyFileSink.opener(dir.resolve("i.npy")), StreamOptions.defaults().withChunkBytes(1));
                }
            });
            assertTrue(e instanceof NpyFormatException && e.getMessage().startsWith(archive + ":x: "), e.toString());
        }
        assertFalse(Files.exists(dir.resolve("v.npy")) || Files.exists(dir.resolve("i.npy")));
    }

    @Test
    void aSourceRefusesMoreElementsThanItHas() throws IOException {
        Path file = dir.resolve("x.npy");
        Npy.write(file, Tensor.of(new float[6], Shape.of(1, 2, 3)));
        try (ChunkSource source = NpySource.open(file)) {
            assertEquals(Shape.of(1, 2, 3), source.shape());
            source.next(4);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> source.next(3));
            assertTrue(e.getMessage().contains("3 elements asked") && e.getMessage().contains("2 left"), e.getMessage());
        }
    }

    private void assertPoolsAsInMemory(Clpool clpool, Path archive, String key, Tensor x) throws IOException {
        Path values = dir.resolve("v.npy");
        Path indices = dir.resolve("i.npy");
        try (ChunkSource source = NpySource.open(archive, key, Layout.CONTIGUOUS, false)) {
            StreamingPool.pool(clpool, MAX, source, NpyFileSink.opener(values), NpyFileSink.opener(indices),
                    StreamOptions.defaults().withChunkBytes(1));
        }
        PoolResult expected = clpool.pool(x.toHeap(), MAX);
        StorageAssert.assertBitExact(expected.values(), Npy.read(values), key);
        assertEquals(Arrays.toString(expected.indices().int64s()), Arrays.toString(Npy.read(indices).int64s()), key);
    }

    /** An archive of one deflated member {@code x.npy}, as {@code numpy.savez_compressed} writes. */
    static Path deflated(Path archive, byte[] image) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(archive))) {
            zip.putNextEntry(new ZipEntry("x.npy"));
            zip.write(image);
            zip.closeEntry();
        }
        return archive;
    }
}
