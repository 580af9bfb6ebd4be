package dev.clpool.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clpool.op.AdaptivePool;
import dev.clpool.op.OutputSize;
import dev.clpool.op.PoolResult;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.SparkException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The Transformer on binary and array columns equals the core on each row, bit for bit, with shapes mixed. */
class AdaptivePoolTransformerTest {
    /** Runs of equal shapes and shapes that come back, so batches form and break. */
    private static final long[][] SHAPES = {
        {3, 8, 9}, {3, 8, 9}, {3, 8, 9}, {2, 10, 9}, {2, 10, 9}, {3, 8, 9}, {1, 5, 5}, {4, 7, 13}, {4, 7, 13}, {3, 8, 9},
    };

    private static Dataset<Row> featureMaps(boolean binary, boolean intShapes) {
        List<Row> rows = new ArrayList<>();
        for (int id = 0; id < SHAPES.length; id++) {
            float[] v = SampleShards.values(id, (int) (SHAPES[id][0] * SHAPES[id][1] * SHAPES[id][2]));
            Object shape = intShapes ? Arrays.stream(SHAPES[id]).mapToInt(Math::toIntExact).toArray() : SHAPES[id];
            rows.add(RowFactory.create(id, binary ? LittleEndian.floats(v, 0, v.length) : v,
                    shape));
        }
        StructType schema = new StructType()
                .add("id", DataTypes.IntegerType)
                .add("features", binary ? DataTypes.BinaryType : DataTypes.createArrayType(DataTypes.FloatType))
                .add("shape", DataTypes.createArrayType(intShapes ? DataTypes.IntegerType : DataTypes.LongType));
        return LocalSpark.session().createDataFrame(rows, schema);
    }

    private static AdaptivePoolTransformer transformer(String device) {
        return new AdaptivePoolTransformer().setInputCol("features").setShapeCol("shape").setDevice(device).setBatchSize(2);
    }

    @ParameterizedTest
    @MethodSource("dev.clpool.spark.TestMaps#devices")
    void binaryColumnsEqualTheCoreRowByRow(String device) {
        TestMaps.assumeDevice(device);
        Dataset<Row> df = featureMaps(true, true);
        check(transformer(device).setMode("avg").setOutputSize("5,7").transform(df), AdaptivePool.avg2d(OutputSize.parse("5,7")), true);
        check(transformer(device).setMode("max").setOutputSize("none,7").setIndicesCol("argmax").transform(df),
                AdaptivePool.max2d(OutputSize.parse("none,7"), true), true);
    }

    @ParameterizedTest
    @MethodSource("dev.clpool.spark.TestMaps#devices")
    void arrayColumnsEqualTheCoreRowByRow(String device) {
        TestMaps.assumeDevice(device);
        Dataset<Row> df = featureMaps(false, false);
        check(transformer(device).setMode("avg").setOutputSize("3").transform(df), AdaptivePool.avg2d(OutputSize.parse("3")), false);
        check(transformer(device).setMode("max").setOutputSize("4,6").setIndicesCol("argmax").transform(df),
                AdaptivePool.max2d(OutputSize.parse("4,6"), true), false);
    }

    private static void check(Dataset<Row> pooled, AdaptivePool op, boolean binary) {
        List<Row> rows = pooled.collectAsList();
        assertEquals(SHAPES.length, rows.size());
        for (Row row : rows) {
            int id = row.getInt(0);
            long[] shape = SHAPES[id];
            PoolResult expected = TestMaps.reference(SampleShards.values(id, (int) (shape[0] * shape[1] * shape[2])), shape, op);
            float[] values = binary ? floats(row.getAs("pooled")) : TestMaps.floats(row.getList(row.fieldIndex("pooled")));
            assertArrayEquals(TestMaps.bits(expected.values().floats()), TestMaps.bits(values), "values of row " + id);
            assertEquals(TestMaps.shapeOf(expected.values()), row.getList(row.fieldIndex("pooled_shape")), "shape of row " + id);
            if (op.withIndices()) {
                long[] indices = binary ? longs(row.getAs("argmax")) : TestMaps.longs(row.getList(row.fieldIndex("argmax")));
                assertArrayEquals(expected.indices().int64s(), indices, "indices of row " + id);
            }
        }
    }

    @Test
    void nullFeatureMapsGetNullResults() {
        StructType schema = new StructType()
                .add("features", DataTypes.BinaryType)
                .add("shape", DataTypes.createArrayType(DataTypes.IntegerType));
        List<Row> rows = List.of(RowFactory.create(null, new int[] {1, 2, 2}),
                RowFactory.create(LittleEndian.floats(new float[] {1, 2, 3, 4}, 0, 4), new int[] {1, 2, 2}));
        List<Row> out = transformer("cpu").setMode("max").setOutputSize("1").setIndicesCol("i")
                .transform(LocalSpark.session().createDataFrame(rows, schema)).collectAsList();
        assertNull(out.get(0).get(2));
        assertNull(out.get(0).get(3));
        assertNull(out.get(0).get(4));
        assertArrayEquals(new float[] {4}, floats(out.get(1).getAs("pooled")));
        assertArrayEquals(new long[] {3}, longs(out.get(1).getAs("i")));
    }

    @Test
    void badParametersAreNamedWithTheirValues() {
        Dataset<Row> df = featureMaps(true, true);
        assertMessage("mode: expected avg or max, got 'mean'", () -> transformer("cpu").setMode("mean").setOutputSize("7").transform(df));
        assertMessage("outputSize: not set", () -> transformer("cpu").transform(df));
        assertMessage("outputSize: output size 'x,7'", () -> transformer("cpu").setOutputSize("x,7").transform(df));
        assertMessage("indicesCol 'i': only max pooling has indices", () -> transformer("cpu").setOutputSize("7").setIndicesCol("i").transform(df));
        assertMessage("inputCol 'nope': no such column", () -> transformer("cpu").setInputCol("nope").setOutputSize("7").transform(df));
        assertMessage("shapeCol 'id': expected array<int> or array<bigint>, got int",
                () -> transformer("cpu").setShapeCol("id").setOutputSize("7").transform(df));
        assertMessage("outputCol 'id': the input already has a column of that name",
                () -> transformer("cpu").setOutputCol("id").setOutputSize("7").transform(df));
        assertMessage("batchSize: must be >= 1, got 0", () -> transformer("cpu").setBatchSize(0).setOutputSize("7").transform(df));
    }

    @Test
    void aFeatureMapOfTheWrongLengthNamesTheColumnAndRow() {
        StructType schema = new StructType()
                .add("features", DataTypes.BinaryType)
                .add("shape", DataTypes.createArrayType(DataTypes.IntegerType));
        Dataset<Row> df = LocalSpark.session().createDataFrame(List.of(RowFactory.create(new byte[12], new int[] {1, 2, 2})), schema)
                .coalesce(1);
        SparkException e = assertThrows(SparkException.class,
                () -> transformer("cpu").setOutputSize("1").transform(df).collectAsList());
        assertTrue(e.getMessage().contains("inputCol 'features' at row 0 of partition 0: shape [1, 2, 2] needs 16 bytes, the row has 12"),
                e.getMessage());
    }

    private static void assertMessage(String expected, Runnable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        assertTrue(e.getMessage().startsWith(expected), e.getMessage());
    }

    private static float[] floats(byte[] bytes) {
        float[] f = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        return f;
    }

    private static long[] longs(byte[] bytes) {
        long[] l = new long[bytes.length / Long.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(l);
        return l;
    }
}
