package dev.clpool.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.Clpool;
import dev.clpool.npy.Npy;
import dev.clpool.op.AdaptivePool;
import dev.clpool.op.OutputSize;
import dev.clpool.op.PoolResult;
import dev.clpool.op.PyramidPool;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.Layout;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import dev.clpool.testing.StorageAssert;
import dev.clpool.testing.TestDevices.EngineSource;
import dev.clpool.testing.TestDevices;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Streaming equals pooling the whole tensor at once, bit for bit: every dtype, both layouts, avg and max with
 * indices, pyramids and backward passes, with chunks of one plane (a chunk size of 1 byte, below one plane),
 * of a few planes and of the whole file, on the Java path and OpenCL.
 */
class StreamingPoolTest {
    /** (N, C, H, W): 15 planes of 9 x 7, 3 batch elements. */
    static final Shape SHAPE = Shape.of(3, 5, 9, 7);
    static final long PLANE_BYTES_F32 = 9 * 7 * 4;

    @TempDir
    Path dir;

    static Stream<Arguments> storageCases() {
        List<Arguments> all = new ArrayList<>();
        for (Named<EngineSource> engine : TestDevices.engines().toList()) {
            for (DType dtype : new DType[] {DType.FLOAT16, DType.BFLOAT16, DType.FLOAT32, DType.FLOAT64}) {
                for (Layout layout : Layout.values()) {
                    for (long chunk : new long[] {1, 5 * PLANE_BYTES_F32 / 2, StreamOptions.DEFAULT_CHUNK_BYTES}) {
                        all.add(Arguments.of(engine, dtype, layout, chunk));
                    }
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}, chunks of {3} bytes")
    @MethodSource("storageCases")
    void poolingEqualsTheWholeTensorAtOnce(EngineSource engine, DType dtype, Layout layout, long chunkBytes) throws IOException {
        Clpool clpool = engine.get();
        Tensor x = StreamTestData.input(dtype, SHAPE, 11).toLayout(layout);
        Path in = dir.resolve("x.npy");
        Npy.write(in, x);
        StreamOptions options = StreamOptions.defaults().withChunkBytes(chunkBytes);
        for (AdaptivePool op : new AdaptivePool[] {AdaptivePool.avg2d(OutputSize.of(4, 3)),
                AdaptivePool.max2d(OutputSize.ofNullable(null, 2L), true)}) {
            Path values = dir.resolve("values.npy");
            Path indices = dir.resolve("indices.npy");
            StreamResult r;
            try (ChunkSource source = NpySource.open(in, null, layout, dtype == DType.BFLOAT16)) {
                r = StreamingPool.pool(clpool, op, source, NpyFileSink.opener(values),
                        op.withIndices() ? NpyFileSink.opener(indices) : null, options);
            }
            PoolResult expected = clpool.pool(x, op);
            String what = op + " " + dtype + " " + layout + " chunks of " + chunkBytes;
            StorageAssert.assertBitExact(expected.values(), StreamTestData.read(values, dtype, layout), what);
            if (op.withIndices()) {
                assertArrayEquals(expected.indices().toLayout(Layout.CONTIGUOUS).int64s(),
                        StreamTestData.read(indices, DType.INT64, layout).toLayout(Layout.CONTIGUOUS).int64s(), what);
            }
            long units = layout == Layout.CHANNELS_LAST ? 3 : 15;
            assertTrue(chunkBytes != 1 || r.chunks() == units, what + ": one unit a chunk, got " + r.chunks());
            assertEquals(x.elementCount() * dtype.byteSize(), r.bytesRead(), what);
            assertEquals(expected.values().elementCount() * dtype.byteSize()
                    + (op.withIndices() ? expected.indices().elementCount() * 8 : 0), r.bytesWritten(), what);
        }
    }

    static Stream<Arguments> engineAndChunks() {
        List<Arguments> all = new ArrayList<>();
        for (Named<EngineSource> engine : TestDevices.engines().toList()) {
            for (long chunk : new long[] {1, 3 * PLANE_BYTES_F32, StreamOptions.DEFAULT_CHUNK_BYTES}) {
                all.add(Arguments.of(engine, chunk));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}, chunks of {1} bytes")
    @MethodSource("engineAndChunks")
    void pyramidsEqualTheWholeTensorAtOnce(EngineSource engine, long chunkBytes) throws IOException {
        Clpool clpool = engine.get();
        Tensor x = StreamTestData.input(DType.FLOAT32, SHAPE, 12);
        Path in = dir.resolve("x.npy");
        Npy.write(in, x);
        for (PyramidPool pyramid : new PyramidPool[] {PyramidPool.avg2d(1, 2, 3, 6), PyramidPool.max2d(true, 1, 2, 4)}) {
            List<ChunkSink.Opener> values = new ArrayList<>();
            List<ChunkSink.Opener> indices = pyramid.withIndices() ? new ArrayList<>() : null;
            for (int l = 0; l < pyramid.size(); l++) {
                values.add(NpyFileSink.opener(dir.resolve("v" + l + ".npy")));
                if (indices != null) {
                    indices.add(NpyFileSink.opener(dir.resolve("i" + l + ".npy")));
                }
            }
            try (ChunkSource source = NpySource.open(in)) {
                StreamingPool.pyramid(clpool, pyramid, source, values, indices, StreamOptions.defaults().withChunkBytes(chunkBytes));
            }
            List<PoolResult> expected = clpool.pyramid(x, pyramid);
            for (int l = 0; l < pyramid.size(); l++) {
                StorageAssert.assertBitExact(expected.get(l).values(), Npy.read(dir.resolve("v" + l + ".npy")), pyramid + " level " + l);
                if (indices != null) {
                    assertArrayEquals(expected.get(l).indices().int64s(), Npy.read(dir.resolve("i" + l + ".npy")).int64s());
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}, chunks of {1} bytes")
    @MethodSource("engineAndChunks")
    void backwardPassesEqualTheWholeTensorAtOnce(EngineSource engine, long chunkBytes) throws IOException {
        Clpool clpool = engine.get();
        Tensor x = StreamTestData.input(DType.FLOAT32, SHAPE, 13);
        for (AdaptivePool op : new AdaptivePool[] {AdaptivePool.avg2d(OutputSize.of(4, 3)), AdaptivePool.max2d(OutputSize.of(5, 2), true)}) {
            PoolResult forward = clpool.pool(x, op);
            Tensor grad = StreamTestData.input(DType.FLOAT32, forward.values().shape(), 14);
            Path g = dir.resolve("g.npy");
            Path i = dir.resolve("i.npy");
            Path dx = dir.resolve("dx.npy");
            Npy.write(g, grad);
            Npy.write(i, forward.indices() == null ? Tensor.ofInt64(new long[0], Shape.of(0)) : forward.indices());
            try (ChunkSource gs = NpySource.open(g); ChunkSource is = op.withIndices() ? NpySource.open(i) : null) {
                StreamingPool.backward(clpool, op, SHAPE, gs, is, NpyFileSink.opener(dx),
                        StreamOptions.defaults().withChunkBytes(chunkBytes));
            }
            Tensor expected = clpool.backward(op, SHAPE, grad, forward.indices());
            StorageAssert.assertBitExact(expected, Npy.read(dx), op + " backward");
        }
    }
}
