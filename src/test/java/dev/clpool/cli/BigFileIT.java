package dev.clpool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.Clpool;
import dev.clpool.npy.Npy;
import dev.clpool.op.AdaptivePool;
import dev.clpool.op.OutputSize;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import dev.clpool.testing.Slow;
import dev.clpool.testing.TestDevices;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Files larger than the JVM's memory pool with bounded memory: the packaged tool ({@code java -jar
 * target/clpool.jar}, after {@code package}) pools a float32 {@code .npy} of about 200 MB with {@code -Xmx64m}
 * ({@code -Dclpool.test.slow=true}: about 3 GB with {@code -Xmx256m}), heap and direct memory both capped, on the
 * Java path and OpenCL; the result must equal pooling the file in pieces, read here a few planes at a time.
 */
class BigFileIT {
    private static final Path JAR = Path.of("target", "clpool.jar");
    /** (N, C, H, W): 50 x 64 planes of 128 x 128, 210 MB; slow: 3,000 x 64 planes of 64 x 64, 3.1 GB. */
    private static final Shape SHAPE = Slow.enabled() ? Shape.of(3000, 64, 64, 64) : Shape.of(50, 64, 128, 128);
    private static final String MEMORY = Slow.enabled() ? "256m" : "64m";
    private static final AdaptivePool OP = AdaptivePool.avg2d(OutputSize.of(5, 3));
    private static final int PLANES_CHECKED_AT_ONCE = 256;

    @TempDir
    static Path dir;
    static Path input;

    @BeforeAll
    static void writeInput() throws IOException {
        assertTrue(Files.isRegularFile(JAR), JAR + " is built by mvn package");
        input = dir.resolve("big.npy");
        write(input, SHAPE);
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"cpu", "opencl"})
    void poolsWithBoundedMemory(String device) throws Exception {
        if (device.equals("opencl")) {
            TestDevices.openCl(); // skips without OpenCL, fails in CI
        }
        Path output = dir.resolve("pooled-" + device + ".npy");
        byte[] before = head(input);
        FileTime modified = Files.getLastModifiedTime(input);
        long started = System.nanoTime();
        Cli.Result r = Cli.jar(JAR, List.of("-Xmx" + MEMORY, "-XX:MaxDirectMemorySize=" + MEMORY), "pool", "--mode", "avg",
                "--output-size", "5,3", "--input", input.toString(), "--output", output.toString(), "--device", device).succeeds();
        System.out.printf("BigFileIT: %s of %.2f GB on %s with -Xmx%s in %.1f s%n", OP, Files.size(input) / 1e9, device, MEMORY,
                (System.nanoTime() - started) / 1e9);
        assertTrue(r.out().contains(SHAPE.toString()), r.out());
        assertEqualsPoolingInPieces(input, output);
        assertTrue(Arrays.equals(before, head(input)) && modified.equals(Files.getLastModifiedTime(input)), "the input is untouched");
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "no temporary file left");
        }
    }

    /** A float32 .npy of {@code shape} whose values follow a pattern (with ties) cheap to write and to check. */
    static void write(Path file, Shape shape) throws IOException {
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            out.write(ByteBuffer.wrap(Npy.encodeHeader(DType.FLOAT32, shape)));
            ByteBuffer block = ByteBuffer.allocateDirect(1 << 22).order(ByteOrder.LITTLE_ENDIAN);
            long n = shape.elementCount();
            for (long at = 0; at < n; ) {
                block.clear();
                while (block.hasRemaining() && at < n) {
                    block.putFloat(value(at++));
                }
                block.flip();
                while (block.hasRemaining()) {
                    out.write(block);
                }
            }
        }
    }

    static float value(long i) {
        return (float) (i * 7919 % 1000) * 0.25f - 100f;
    }

    /** Reads the input a few planes at a time, pools each piece in memory and compares it with its part of the output. */
    static void assertEqualsPoolingInPieces(Path in, Path out) throws IOException {
        Tensor pooled = Npy.read(out);
        assertEquals(SHAPE.withTail(2, 5, 3), pooled.shape());
        long inPlane = SHAPE.dim(2) * SHAPE.dim(3);
        long planes = SHAPE.dim(0) * SHAPE.dim(1);
        long dataStart = Files.size(in) - SHAPE.elementCount() * 4;
        Clpool java = TestDevices.java();
        try (FileChannel ch = FileChannel.open(in, StandardOpenOption.READ)) {
            for (long p = 0; p < planes; p += PLANES_CHECKED_AT_ONCE) {
                int k = (int) Math.min(PLANES_CHECKED_AT_ONCE, planes - p);
                ByteBuffer bytes = ByteBuffer.allocate((int) (k * inPlane * 4)).order(ByteOrder.LITTLE_ENDIAN);
                while (bytes.hasRemaining()) {
                    ch.read(bytes, dataStart + p * inPlane * 4 + bytes.position());
                }
                float[] piece = new float[(int) (k * inPlane)];
                bytes.flip().asFloatBuffer().get(piece);
                float[] expected = java.pool(Tensor.of(piece, k, SHAPE.dim(2), SHAPE.dim(3)), OP).values().floats();
                float[] actual = Arrays.copyOfRange(pooled.floats(), (int) (p * 15), (int) (p * 15 + expected.length));
                if (!Arrays.equals(expected, actual)) {
                    throw new AssertionError("planes " + p + " to " + (p + k) + " differ from pooling them in memory");
                }
            }
        }
    }

    private static byte[] head(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(1 << 16);
            ch.read(b, 0);
            return b.array();
        }
    }
}
