package dev.clpool.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.Clpool;
import dev.clpool.npy.Npy;
import dev.clpool.op.AdaptivePool;
import dev.clpool.op.OutputSize;
import dev.clpool.op.PoolResult;
import dev.clpool.tensor.Shape;
import dev.clpool.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The .npy job on a folder of mixed shards equals clpool pool on each file; bad shards fail cleanly or are skipped. */
class NpyPoolJobTest {
    @TempDir
    static Path shards;

    @TempDir
    Path work;

    private static Clpool cpuEngine;
    private static Clpool openClEngine;

    @BeforeAll
    static void writeShards() throws IOException {
        SampleShards.write(shards);
    }

    @AfterAll
    static void closeEngines() {
        Stream.of(cpuEngine, openClEngine).filter(e -> e != null).forEach(Clpool::close);
    }

    /** What clpool pool --device D gives for a shard: its own engine of that device, the whole file in one call. */
    private static PoolResult clpoolPool(String device, Path file, AdaptivePool op) throws IOException {
        if (device.equals("cpu") && cpuEngine == null) {
            cpuEngine = Clpool.open("cpu");
        } else if (device.equals("opencl") && openClEngine == null) {
            openClEngine = Clpool.open("opencl");
        }
        return (device.equals("cpu") ? cpuEngine : openClEngine).pool(Npy.read(file), op);
    }

    /** One run of the job: its exit code and what it printed. */
    private record Run(int code, String out, String err) {
    }

    private static Run job(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = NpyPoolJob.run(LocalSpark.session(), JobOptions.parse(args), o, e);
        }
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @MethodSource("dev.clpool.spark.TestMaps#devices")
    void parquetRowsEqualClpoolPoolOnEachFile(String device) throws IOException {
        TestMaps.assumeDevice(device);
        Path out = work.resolve("pooled");
        Run run = job("--input", shards.toString(), "--output", out.toString(), "--mode", "max", "--output-size", "none,4",
                "--device", device);
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("pooled 5 of 5 .npy files (8 samples)"), run.out());
        assertTrue(Files.exists(out.resolve(StagedOutput.SUCCESS)));
        List<Row> rows = LocalSpark.session().read().parquet(out.toString()).collectAsList();
        assertEquals(8, rows.size());
        AdaptivePool op = AdaptivePool.max2d(OutputSize.parse("none,4"), true);
        for (Map.Entry<String, long[]> shard : SampleShards.SHAPES.entrySet()) {
            PoolResult expected = clpoolPool(device, shards.resolve(shard.getKey()), op);
            long[] s = expected.values().shape().toArray();
            long[] sampleShape = s.length == 4 ? new long[] {s[1], s[2], s[3]} : s;
            int per = (int) (sampleShape[0] * sampleShape[1] * sampleShape[2]);
            int samples = s.length == 4 ? (int) s[0] : 1;
            for (int n = 0; n < samples; n++) {
                Row row = find(rows, shard.getKey(), n);
                assertEquals(Arrays.stream(sampleShape).boxed().toList(), row.getList(row.fieldIndex("shape")));
                float[] values = Arrays.copyOfRange(expected.values().floats(), n * per, (n + 1) * per);
                assertArrayEquals(rawBits(values), rawBits(TestMaps.floats(row.getList(row.fieldIndex("values")))),
                        shard.getKey() + " sample " + n);
                assertArrayEquals(Arrays.copyOfRange(expected.indices().int64s(), n * per, (n + 1) * per),
                        TestMaps.longs(row.getList(row.fieldIndex("indices"))), shard.getKey() + " sample " + n);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.clpool.spark.TestMaps#devices")
    void npyFilesAreWhatClpoolPoolWritesForEachFile(String device) throws IOException {
        TestMaps.assumeDevice(device);
        for (String mode : List.of("avg", "max")) {
            Path out = work.resolve("pooled-" + mode);
            Run run = job("--input", shards.toString(), "--output", out.toString(), "--mode", mode, "--output-size", "5,7",
                    "--format", "npy", "--device", device);
            assertEquals(0, run.code(), run.err());
            assertTrue(run.out().contains(device.equals("cpu") ? "on Java" : "on OpenCL"), run.out());
            AdaptivePool op = mode.equals("max") ? AdaptivePool.max2d(OutputSize.of(5, 7), true) : AdaptivePool.avg2d(OutputSize.of(5, 7));
            for (String shard : SampleShards.SHAPES.keySet()) {
                PoolResult expected = clpoolPool(device, shards.resolve(shard), op);
                assertSameBytes(expected.values(), out.resolve(shard));
                Path indices = out.resolve(NpyShards.indicesPath(shard));
                if (mode.equals("max")) {
                    assertSameBytes(expected.indices(), indices);
                } else {
                    assertFalse(Files.exists(indices), indices.toString());
                }
            }
            try (Stream<Path> all = Files.walk(out)) {
                List<String> names = all.filter(Files::isRegularFile).map(p -> out.relativize(p).toString()).sorted().toList();
                assertEquals(mode.equals("max") ? 11 : 6, names.size(), names.toString());
                assertTrue(names.contains(StagedOutput.SUCCESS), names.toString());
            }
        }
    }

    @Test
    void aCorruptShardFailsTheJobNamingItAndNothingIsPublished() throws IOException {
        Path in = copyOfShards("corrupt");
        byte[] good = Files.readAllBytes(in.resolve("nested/b.npy"));
        Files.write(in.resolve("nested/bad.npy"), Arrays.copyOf(good, good.length - 10));
        for (String format : List.of("parquet", "npy")) {
            Path out = work.resolve("out-" + format);
            Run run = job("--input", in.toString(), "--output", out.toString(), "--mode", "avg", "--output-size", "3", "--format", format);
            assertEquals(NpyPoolJob.BAD_INPUT, run.code(), run.err());
            List<String> lines = run.err().lines().toList();
            assertEquals(1, lines.size(), run.err());
            assertTrue(lines.get(0).startsWith("clpool-spark: --input " + in + ": nested/bad.npy: truncated"), lines.get(0));
            assertNothingPublished(out);
        }
    }

    @Test
    void aShardOfAnotherDtypeOrRankIsBadInputToo() throws IOException {
        Path in = copyOfShards("wrong-types");
        Npy.write(in.resolve("nested/ints.npy"), Tensor.ofInt64(new long[] {1, 2, 3, 4}, Shape.of(1, 2, 2)));
        Path out = work.resolve("out");
        Run run = job("--input", in.toString(), "--output", out.toString(), "--mode", "max", "--output-size", "2");
        assertEquals(NpyPoolJob.BAD_INPUT, run.code(), run.err());
        assertTrue(run.err().contains("nested/ints.npy: dtype int64; the job pools float32 ('<f4') arrays"), run.err());
        assertNothingPublished(out);

        Files.delete(in.resolve("nested/ints.npy"));
        Npy.write(in.resolve("flat.npy"), Tensor.of(new float[] {1, 2, 3, 4}, 2, 2));
        run = job("--input", in.toString(), "--output", out.toString(), "--mode", "max", "--output-size", "2");
        assertEquals(NpyPoolJob.BAD_INPUT, run.code(), run.err());
        assertTrue(run.err().contains(": flat.npy: "), run.err());
        assertNothingPublished(out);
    }

    @Test
    void onBadSkipWritesTheRestAndListsTheSkipped() throws IOException {
        Path in = copyOfShards("skip");
        Files.write(in.resolve("nested/deeper/junk.npy"), "not numpy".getBytes(StandardCharsets.UTF_8));
        for (String format : List.of("parquet", "npy")) {
            Path out = work.resolve("out-" + format);
            Run run = job("--input", in.toString(), "--output", out.toString(), "--mode", "max", "--output-size", "3",
                    "--format", format, "--on-bad", "skip");
            assertEquals(0, run.code(), run.err());
            assertTrue(run.err().startsWith("clpool-spark: skipped nested/deeper/junk.npy: "), run.err());
            assertTrue(run.out().contains("pooled 5 of 6 .npy files (8 samples)"), run.out());
            List<String> skipped = Files.readAllLines(out.resolve(StagedOutput.SKIPPED));
            assertEquals(1, skipped.size(), skipped.toString());
            assertTrue(skipped.get(0).startsWith("nested/deeper/junk.npy: "), skipped.get(0));
            assertTrue(Files.exists(out.resolve(StagedOutput.SUCCESS)));
        }
        assertTrue(Files.exists(work.resolve("out-npy/dir with space/d.npy")));
        assertFalse(Files.exists(work.resolve("out-npy/nested/deeper/junk.npy")));
        assertEquals(8, LocalSpark.session().read().parquet(work.resolve("out-parquet").toString()).count());
    }

    @Test
    void anOutputThatExistsOrInputsThatCollideAreRefusedBeforeAnyWork() throws IOException {
        Path out = Files.createDirectories(work.resolve("taken"));
        Files.writeString(out.resolve("keep.txt"), "mine");
        Run run = job("--input", shards.toString(), "--output", out.toString(), "--mode", "avg", "--output-size", "3");
        assertEquals(NpyPoolJob.BAD_INPUT, run.code());
        assertEquals("clpool-spark: --output " + out + ": exists and is not an empty folder; name a new one", run.err().strip());
        assertEquals("mine", Files.readString(out.resolve("keep.txt")));

        Path in = copyOfShards("collide");
        Npy.write(in.resolve("a.indices.npy"), Tensor.of(new float[] {1}, 1, 1, 1));
        run = job("--input", in.toString(), "--output", work.resolve("o").toString(), "--mode", "max", "--output-size", "3",
                "--format", "npy");
        assertEquals(NpyPoolJob.BAD_INPUT, run.code());
        assertTrue(run.err().contains("the indices of a.npy would overwrite the output of the input a.indices.npy"), run.err());

        run = job("--input", work.resolve("missing").toString(), "--output", work.resolve("o").toString(), "--mode", "avg",
                "--output-size", "3");
        assertEquals("clpool-spark: --input " + work.resolve("missing") + ": no such folder", run.err().strip());
    }

    @Test
    void badArgumentsAreNamed() {
        assertMessage("--format: expected parquet or npy, got 'csv'", "--format", "csv");
        assertMessage("--on-bad: expected fail or skip, got 'ignore'", "--on-bad", "ignore");
        assertMessage("--mode: expected avg or max, got 'sum'", "--mode", "sum");
        assertMessage("--output-size: output size '5,x'", "--output-size", "5,x");
        assertMessage("unknown option '--outptu'", "--outptu", "x");
    }

    private static void assertMessage(String expected, String option, String value) {
        Map<String, String> args = new LinkedHashMap<>(Map.of("--input", "in", "--output", "out", "--mode", "avg",
                "--output-size", "7"));
        args.put(option, value);
        String[] flat = args.entrySet().stream().flatMap(e -> Stream.of(e.getKey(), e.getValue())).toArray(String[]::new);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JobOptions.parse(flat));
        assertTrue(e.getMessage().startsWith(expected), e.getMessage());
    }

    private Path copyOfShards(String name) throws IOException {
        Path in = work.resolve(name);
        SampleShards.write(in);
        return in;
    }

    /** No output folder, and no staging folder left beside it. */
    private static void assertNothingPublished(Path out) throws IOException {
        assertFalse(Files.exists(out), out + " exists");
        try (Stream<Path> siblings = Files.list(out.getParent())) {
            List<String> left = siblings.map(p -> p.getFileName().toString()).filter(n -> n.contains("staging")).toList();
            assertEquals(List.of(), left);
        }
    }

    private static void assertSameBytes(Tensor expected, Path file) throws IOException {
        assertArrayEquals(Npy.toBytes(expected), Files.readAllBytes(file), file.toString());
    }

    private static Row find(List<Row> rows, String path, long index) {
        return rows.stream().filter(r -> r.getString(0).equals(path) && r.getLong(1) == index).findFirst()
                .orElseThrow(() -> new AssertionError("no row for " + path + " index " + index));
    }

    private static int[] rawBits(float[] values) {
        int[] b = new int[values.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = Float.floatToRawIntBits(values[i]);
        }
        return b;
    }
}
