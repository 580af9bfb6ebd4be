package dev.clpool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.clpool.io.AtomicFiles;
import dev.clpool.npy.Npy;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files are closed on every path: a refused input, an input opened again in another layout, an output committed
 * or abandoned. The commands also run inside long-lived JVMs (the Spark job, applications using the streaming
 * API), where a file left open per call runs the process out of descriptors. Each case runs {@link #TIMES} times
 * and the process may hold a few more files afterwards (the JIT, class loading), never one per run.
 */
class OpenFilesTest {
    private static final int TIMES = 40;

    @TempDir
    Path dir;

    private static long openFiles() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    private interface Case {
        void run() throws Exception;
    }

    private static void assertLeavesNoFileOpen(String what, Case c) throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "counts open files through /proc/self/fd (Linux)");
        c.run(); // first use: classes loaded, caches filled
        long before = openFiles();
        for (int i = 0; i < TIMES; i++) {
            c.run();
        }
        long grown = openFiles() - before;
        assertTrue(grown < TIMES / 4, what + ": " + grown + " more files open after " + TIMES + " runs");
    }

    private Path floats() throws IOException {
        Path in = dir.resolve("x.npy");
        Npy.write(in, Tensor.of(new float[2 * 3 * 4 * 5], 2, 3, 4, 5));
        return in;
    }

    @Test
    void anInputOfTheWrongDtypeIsClosedWhenRefused() throws Exception {
        Path in = floats();
        assertLeavesNoFileOpen("TensorFiles.open refusing float32 as int64", () -> {
            BadInputException e = assertThrows(BadInputException.class, () -> TensorFiles.open(in, null, DType.INT64, "--indices"));
            assertTrue(e.getMessage().contains("dtype float32 is not supported here"), e.getMessage());
        });
    }

    @Test
    void poolClosesARefusedInputAndTheFirstOpeningOfAChannelsLastOne() throws Exception {
        Path in = floats();
        Path ints = dir.resolve("i.npy");
        Npy.write(ints, Tensor.ofInt64(new long[12], Shape.of(1, 3, 4)));
        Path out = dir.resolve("y.npy");
        assertLeavesNoFileOpen("pool refusing an int64 input", () ->
                Cli.run("pool", "--mode", "avg", "--output-size", "2", "--input", ints.toString(), "--output", out.toString(),
                        "--device", "cpu").failsWithOneLine(2, "int64"));
        assertLeavesNoFileOpen("pool of a channels-last input", () ->
                Cli.run("pool", "--mode", "avg", "--output-size", "2", "--input", in.toString(), "--layout", "nhwc",
                        "--output", out.toString(), "--device", "cpu").succeeds());
    }

    @Test
    void anOutputIsClosedWhetherCommittedOrAbandoned() throws Exception {
        Path target = dir.resolve("out.bin");
        assertLeavesNoFileOpen("AtomicFiles committed", () -> {
            try (AtomicFiles.Pending p = AtomicFiles.create(target)) {
                p.channel().write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
                p.commit();
            }
            assertEquals(3, Files.size(target));
        });
        assertLeavesNoFileOpen("AtomicFiles abandoned", () -> {
            try (AtomicFiles.Pending p = AtomicFiles.create(target)) {
                p.channel().write(ByteBuffer.wrap(new byte[] {4}));
            }
            assertEquals(3, Files.size(target));
        });
    }
}
