package dev.clpool.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.clpool.tensor.DType;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link NpzWriter}: archives as numpy.savez writes them, read back bit for bit, written atomically. */
class NpzWriterTest {
    @TempDir
    Path dir;

    @Test
    void arraysReadBackInOrderAndBitForBit() throws IOException {
        float[] f = {Float.NaN, Float.intBitsToFloat(0x7fc00123), -0f, Float.MIN_VALUE, Float.NEGATIVE_INFINITY, 1.5f};
        long[] l = {Long.MIN_VALUE, -1, 0, Long.MAX_VALUE};
        Map<String, Tensor> arrays = new LinkedHashMap<>();
        arrays.put("level1", Tensor.of(f, 2, 3));
        arrays.put("level0", Tensor.ofInt64(l, Shape.of(4)));
        arrays.put("empty", Tensor.of(new float[0], 0, 3));
        Path file = dir.resolve("a.npz");
        NpzWriter.write(file, arrays);
        assertEquals(List.of("level1", "level0", "empty"), Npz.keys(file));
        Tensor rf = Npz.read(file, "level1");
        assertEquals(Shape.of(2, 3), rf.shape());
        for (int i = 0; i < f.length; i++) {
            assertEquals(Float.floatToRawIntBits(f[i]), Float.floatToRawIntBits(rf.floats()[i]), "element " + i);
        }
        assertEquals(DType.INT64, Npz.read(file, "level0").dtype());
        assertArrayEquals(l, Npz.read(file, "level0").int64s());
        assertEquals(Shape.of(0, 3), Npz.read(file, "empty").shape());
        try (ZipFile zip = new ZipFile(file.toFile())) {
            zip.stream().forEach(e -> assertEquals(ZipEntry.STORED, e.getMethod(), e.getName() + " is stored, as numpy.savez does"));
        }
    }

    @Test
    void replacesAnExistingFileAndLeavesNothingBehindOnFailure() throws IOException {
        Path file = dir.resolve("a.npz");
        Files.writeString(file, "previous");
        NpzWriter.write(file, Map.of("x", Tensor.of(new float[] {1}, 1)));
        assertEquals(List.of("x"), Npz.keys(file));
        Files.writeString(file, "previous");
        assertThrows(IllegalArgumentException.class, () -> NpzWriter.write(file, Map.of("a/b", Tensor.of(new float[] {1}, 1))));
        assertThrows(IllegalArgumentException.class, () -> NpzWriter.write(file, Map.of("", Tensor.of(new float[] {1}, 1))));
        assertThrows(IOException.class, () -> NpzWriter.write(dir.resolve("missing/a.npz"), Map.of("x", Tensor.of(new float[] {1}, 1))));
        assertEquals("previous", Files.readString(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file left");
        }
    }
}
