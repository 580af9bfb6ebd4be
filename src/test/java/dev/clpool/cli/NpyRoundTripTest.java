package dev.clpool.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.clpool.npy.Npy;
import dev.clpool.npy.Npz;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.Tensor;
import dev.clpool.testing.GoldenCases;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The .npy reader and writer against files NumPy wrote (the golden archive): every array reads, writes
 * back with the same data bytes, and reads back bit for bit, NaNs, infinities and -0 included.
 */
class NpyRoundTripTest {
    @TempDir
    Path dir;

    @Test
    void everyGoldenArrayRoundTrips() throws IOException {
        List<String> keys = Npz.keys(GoldenCases.ARCHIVE);
        assertEquals(140, keys.size(), "35 cases of x, avg, max, idx");
        try (ZipFile zip = new ZipFile(GoldenCases.ARCHIVE.toFile())) {
            for (String key : keys) {
                Tensor fromNumpy = Npz.read(GoldenCases.ARCHIVE, key);
                assertEquals(key.endsWith("__idx") ? DType.INT64 : DType.FLOAT32, fromNumpy.dtype(), key);
                Path file = dir.resolve(key + ".npy");
                Npy.write(file, fromNumpy);
                Tensor back = Npy.read(file);
                assertEquals(fromNumpy.shape(), back.shape(), key);
                assertEquals(fromNumpy.dtype(), back.dtype(), key);
                byte[] numpyBytes;
                try (InputStream in = zip.getInputStream(zip.getEntry(key + ".npy"))) {
                    numpyBytes = in.readAllBytes();
                }
                byte[] ours = Files.readAllBytes(file);
                int dataBytes = (int) (fromNumpy.elementCount() * (fromNumpy.dtype() == DType.INT64 ? 8 : 4));
                assertArrayEquals(Arrays.copyOfRange(numpyBytes, numpyBytes.length - dataBytes, numpyBytes.length),
                        Arrays.copyOfRange(ours, ours.length - dataBytes, ours.length), key + ": the same data bytes as NumPy's");
                assertEquals(0, (ours.length - dataBytes) % 64, key + ": data aligned to 64 bytes, as NumPy aligns it");
            }
        }
    }
}
