package dev.clpool.spark;

import dev.clpool.Clpool;
import dev.clpool.op.AdaptivePool;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The Parquet rows of a partition's shards, one per sample: {@code path} (relative to the input folder),
 * {@code index} (n of an (N, C, H, W) shard, 0 for (C, H, W)), {@code shape} (the pooled C, H, W), {@code values}
 * and, for max, {@code indices}.
 */
final class ParquetShards implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    private final ShardContext context;

    ParquetShards(ShardContext context) {
        this.context = context;
    }

    /** The rows' schema. */
    static StructType schema(boolean withIndices) {
        StructType s = new StructType()
                .add("path", DataTypes.StringType, false)
                .add("index", DataTypes.LongType, false)
                .add("shape", DataTypes.createArrayType(DataTypes.LongType, false), false)
                .add("values", DataTypes.createArrayType(DataTypes.FloatType, false), false);
        return withIndices ? s.add("indices", DataTypes.createArrayType(DataTypes.LongType, false), false) : s;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> files) {
        Clpool engine = context.engine();
        AdaptivePool op = context.pool().op();
        ArrayDeque<Row> ready = new ArrayDeque<>();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                while (ready.isEmpty() && files.hasNext()) {
                    PooledShard shard = context.pool(files.next(), op, engine);
                    if (shard != null) {
                        addRows(shard, ready);
                    }
                }
                return !ready.isEmpty();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return ready.poll();
            }
        };
    }

    private static void addRows(PooledShard shard, ArrayDeque<Row> into) {
        long[] shape = shard.sampleShape();
        int per = Math.toIntExact(shape[0] * shape[1] * shape[2]);
        float[] values = shard.values().floats();
        long[] indices = shard.indices() == null ? null : shard.indices().int64s();
        for (int n = 0; n < shard.samples(); n++) {
            float[] v = Arrays.copyOfRange(values, n * per, (n + 1) * per);
            into.add(indices == null ? RowFactory.create(shard.path(), (long) n, shape, v)
                    : RowFactory.create(shard.path(), (long) n, shape, v, Arrays.copyOfRange(indices, n * per, (n + 1) * per)));
        }
    }
}
