package dev.clpool.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.Clpool;
import dev.clpool.cpu.JavaBackend;
import dev.clpool.npy.Npy;
import dev.clpool.op.AdaptivePool;
import dev.clpool.op.DevicePoolResult;
import dev.clpool.op.OutputSize;
import dev.clpool.plan.BackwardPlan;
import dev.clpool.plan.PoolPlan;
import dev.clpool.plan.PyramidPlan;
import dev.clpool.spi.Backend;
import dev.clpool.spi.DeviceShare;
import dev.clpool.spi.TransferRates;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.DeviceTensor;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failure in the middle of a run (the third chunk's write, the third chunk's pooling, a progress report)
 * stops every stage and is the exception thrown; no output file and no temporary file are left, an earlier
 * output keeps its bytes, and the input is untouched.
 */
class FailuresLeaveNoOutputTest {
    static final AdaptivePool MAX = AdaptivePool.max2d(OutputSize.of(3), true);
    /** One plane a chunk: 15 chunks. */
    static final StreamOptions ONE_PLANE = StreamOptions.defaults().withChunkBytes(1);

    @TempDir
    Path dir;
    Path input;
    byte[] inputBytes;
    FileTime inputTime;

    @BeforeEach
    void writeInput() throws IOException {
        input = dir.resolve("x.npy");
        Npy.write(input, StreamTestData.input(DType.FLOAT32, StreamingPoolTest.SHAPE, 21));
        inputBytes = Files.readAllBytes(input);
        inputTime = Files.getLastModifiedTime(input);
    }

    @Test
    void aSinkThatFailsOnTheThirdChunk() throws IOException {
        Path values = dir.resolve("values.npy");
        Path indices = dir.resolve("indices.npy");
        IOException full = new IOException("disk full");
        ChunkSink.Opener failing = (dtype, shape, layout) -> new FailingSink(NpyFileSink.create(indices, dtype, shape, layout), 3, full);
        try (Clpool java = Clpool.open("cpu"); ChunkSource x = NpySource.open(input)) {
            IOException e = assertThrows(IOException.class,
                    () -> StreamingPool.pool(java, MAX, x, NpyFileSink.opener(values), failing, ONE_PLANE));
            assertSame(full, e);
        }
        assertOnlyTheInputIsLeft();
    }

    @Test
    void anEngineThatFailsOnTheThirdChunk() throws IOException {
        Path values = dir.resolve("values.npy");
        Files.writeString(values, "earlier values");
        try (Clpool failing = Clpool.using(new FailingBackend(3)); ChunkSource x = NpySource.open(input)) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> StreamingPool.pool(failing, AdaptivePool.avg2d(OutputSize.of(3)), x, NpyFileSink.opener(values), null, ONE_PLANE));
            assertEquals("pooling 3 fails", e.getMessage());
        }
        assertEquals("earlier values", Files.readString(values, StandardCharsets.UTF_8));
        assertEquals(List.of(values, input), listing());
        assertInputUntouched();
    }

    @Test
    void aProgressListenerThatFails() throws IOException {
        AtomicInteger reports = new AtomicInteger();
        StreamOptions options = ONE_PLANE.withProgress((done, total) -> {
            if (reports.incrementAndGet() == 3) {
                throw new IllegalStateException("listener fails");
            }
        });
        try (Clpool java = Clpool.open("cpu"); ChunkSource x = NpySource.open(input)) {
            assertThrows(IllegalStateException.class, () -> StreamingPool.pool(java, MAX, x,
                    NpyFileSink.opener(dir.resolve("v.npy")), NpyFileSink.opener(dir.resolve("i.npy")), options));
        }
        assertOnlyTheInputIsLeft();
    }

    @Test
    void aSuccessfulRunReportsEveryChunkAndLeavesOnlyItsOutputs() throws IOException {
        AtomicInteger reports = new AtomicInteger();
        long[] last = new long[2];
        StreamOptions options = ONE_PLANE.withProgress((done, total) -> {
            reports.incrementAndGet();
            last[0] = done;
            last[1] = total;
        });
        StreamResult r;
        try (Clpool java = Clpool.open("cpu"); ChunkSource x = NpySource.open(input)) {
            r = StreamingPool.pool(java, MAX, x, NpyFileSink.opener(dir.resolve("v.npy")), NpyFileSink.opener(dir.resolve("i.npy")), options);
        }
        assertEquals(15, r.chunks());
        assertEquals(15, reports.get());
        assertEquals(r.bytesRead() + r.bytesWritten(), last[0]);
        assertEquals(last[0], last[1]);
        assertTrue(r.gbps() > 0, r.toString());
        assertEquals(List.of(dir.resolve("i.npy"), dir.resolve("v.npy"), input), listing());
        assertInputUntouched();
    }

    void assertOnlyTheInputIsLeft() throws IOException {
        assertEquals(List.of(input), listing(), "no output, no temporary file");
        assertInputUntouched();
    }

    void assertInputUntouched() throws IOException {
        assertArrayEquals(inputBytes, Files.readAllBytes(input));
        assertEquals(inputTime, Files.getLastModifiedTime(input));
    }

    List<Path> listing() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    /** A sink that throws {@code failure} on its {@code failAt}th chunk. */
    static final class FailingSink implements ChunkSink {
        private final ChunkSink inner;
        private final int failAt;
        private final IOException failure;
        private int chunks;

        FailingSink(ChunkSink inner, int failAt, IOException failure) {
            this.inner = inner;
            this.failAt = failAt;
            this.failure = failure;
        }

        @Override
        public void write(Tensor chunk) throws IOException {
            if (++chunks == failAt) {
                throw failure;
            }
            inner.write(chunk);
        }

        @Override
        public void commit() throws IOException {
            inner.commit();
        }

        @Override
        public void close() throws IOException {
            inner.close();
        }
    }

    /** The Java path, except that its {@code failAt}th pooling throws. */
    static final class FailingBackend implements Backend {
        private final JavaBackend java = new JavaBackend();
        private final int failAt;
        private final AtomicInteger pools = new AtomicInteger();

        FailingBackend(int failAt) {
            this.failAt = failAt;
        }

        @Override
        public void pool(PoolPlan plan, Tensor input, Tensor values, Tensor indices) {
            if (pools.incrementAndGet() == failAt) {
                throw new IllegalStateException("pooling " + failAt + " fails");
            }
            java.pool(plan, input, values, indices);
        }

        @Override
        public String description() {
            return "failing " + java.description();
        }

        @Override
        public boolean isOpenCl() {
            return false;
        }

        @Override
        public List<DeviceShare> shares() {
            return List.of();
        }

        @Override
        public String kernelFor(PoolPlan plan, DType dtype, Layout layout) {
            return java.kernelFor(plan, dtype, layout);
        }

        @Override
        public String kernelFor(PyramidPlan plan) {
            return java.kernelFor(plan);
        }

        @Override
        public String kernelFor(BackwardPlan plan) {
            return java.kernelFor(plan);
        }

        @Override
        public void pyramid(PyramidPlan plan, Tensor input, List<Tensor> values, List<Tensor> indices) {
            java.pyramid(plan, input, values, indices);
        }

        @Override
        public void backward(BackwardPlan plan, Tensor gradOutput, Tensor indices, Tensor gradInput) {
            java.backward(plan, gradOutput, indices, gradInput);
        }

        @Override
        public DeviceTensor upload(Tensor host) {
            return java.upload(host);
        }

        @Override
        public void download(DeviceTensor tensor, Tensor target) {
            java.download(tensor, target);
        }

        @Override
        public DevicePoolResult pool(PoolPlan plan, DeviceTensor input) {
            return java.pool(plan, input);
        }

        @Override
        public OptionalDouble copyBandwidthGbps(long bytes, int runs) {
            return java.copyBandwidthGbps(bytes, runs);
        }

        @Override
        public Optional<TransferRates> transferRates(long bytes, int runs) {
            return java.transferRates(bytes, runs);
        }

        @Override
        public void close() {
            java.close();
        }
    }
}
