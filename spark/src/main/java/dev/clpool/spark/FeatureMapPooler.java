package dev.clpool.spark;

import dev.clpool.Clpool;
import dev.clpool.op.AdaptivePool;
import dev.clpool.op.PoolResult;
import dev.clpool.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Pools the feature maps of a partition, consecutive rows of one shape stacked into one {@code (N, C, H, W)}
 * tensor per launch; each row gets its own result, bit for bit what pooling it alone gives (planes are pooled
 * independently). Rows whose feature map or shape is null get null results.
 */
final class FeatureMapPooler implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    /** The most input floats one launch stacks: 256 MiB, well inside a Java array and a device allocation. */
    static final long MAX_BATCH_ELEMENTS = 1L << 26;

    private final FeatureMapColumns columns;
    private final PoolSpec spec;
    private final String device;
    private final int batchSize;

    /**
     * @param device the device to pool on, or "" for the executor's engine ({@link ExecutorEngines#select})
     * @param batchSize the most rows one launch stacks
     */
    FeatureMapPooler(FeatureMapColumns columns, PoolSpec spec, String device, int batchSize) {
        this.columns = columns;
        this.spec = spec;
        this.device = device;
        this.batchSize = batchSize;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        Clpool engine = ExecutorEngines.select(device);
        TaskContext task = TaskContext.get();
        return new Batches(rows, engine, spec.op(), task == null ? 0 : task.partitionId());
    }

    /** A row read as far as batching needs: its shape, null when it has no feature map. */
    private record Pending(Row row, long[] shape, String where) {
        int elements() {
            return (int) (shape[0] * shape[1] * shape[2]);
        }
    }

    /** The output rows, computed a batch at a time as they are asked for. */
    private final class Batches implements Iterator<Row> {
        private final Iterator<Row> rows;
        private final Clpool engine;
        private final AdaptivePool op;
        private final int partition;
        private final ArrayDeque<Row> ready = new ArrayDeque<>();
        private Pending carried;
        private long rowNumber;

        Batches(Iterator<Row> rows, Clpool engine, AdaptivePool op, int partition) {
            this.rows = rows;
            this.engine = engine;
            this.op = op;
            this.partition = partition;
        }

        @Override
        public boolean hasNext() {
            if (ready.isEmpty()) {
                fill();
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

        private Pending take() {
            if (carried != null) {
                Pending p = carried;
                carried = null;
                return p;
            }
            if (!rows.hasNext()) {
                return null;
            }
            Row row = rows.next();
            String where = "row " + rowNumber++ + " of partition " + partition;
            return new Pending(row, columns.shapeOf(row, where), where);
        }

        /** Pools the next run of rows of one shape (or passes on one null row). */
        private void fill() {
            Pending first = take();
            if (first == null) {
                return;
            }
            if (first.shape() == null) {
                ready.add(append(first.row(), null, null, null));
                return;
            }
            List<Pending> batch = new ArrayList<>(List.of(first));
            long elements = first.elements();
            Pending next;
            while (batch.size() < batchSize && (next = take()) != null) {
                if (next.shape() == null || !Arrays.equals(next.shape(), first.shape())
                        || elements + next.elements() > MAX_BATCH_ELEMENTS) {
                    carried = next;
                    break;
                }
                batch.add(next);
                elements += next.elements();
            }
            pool(batch);
        }

        private void pool(List<Pending> batch) {
            long[] chw = batch.get(0).shape();
            int per = batch.get(0).elements();
            int n = batch.size();
            float[] input = new float[n * per];
            for (int i = 0; i < n; i++) {
                columns.copyInto(batch.get(i).row(), input, i * per, per, batch.get(i).where());
            }
            PoolResult result;
            try {
                result = engine.pool(Tensor.of(input, n, chw[0], chw[1], chw[2]), op);
            } catch (IllegalArgumentException e) {
                String rowsText = n == 1 ? batch.get(0).where() : batch.get(0).where() + " and the " + (n - 1) + " after it";
                throw new IllegalArgumentException("inputCol '" + columns.inputCol() + "' at " + rowsText + ", shape "
                        + Arrays.toString(chw) + ": " + e.getMessage(), e);
            }
            long[] outShape = result.values().shape().toArray();
            long[] pooledChw = {outShape[1], outShape[2], outShape[3]};
            int outPer = Math.toIntExact(pooledChw[0] * pooledChw[1] * pooledChw[2]);
            float[] values = result.values().floats();
            long[] indices = result.hasIndices() ? result.indices().int64s() : null;
            for (int i = 0; i < n; i++) {
                ready.add(append(batch.get(i).row(), columns.values(values, i * outPer, outPer), pooledChw,
                        indices == null ? null : columns.indices(indices, i * outPer, outPer)));
            }
        }

        /** The input row followed by the values, their shape and, for max with indices, the indices. */
        private Row append(Row row, Object values, long[] shape, Object indices) {
            int width = row.length();
            Object[] out = new Object[width + (op.withIndices() ? 3 : 2)];
            for (int i = 0; i < width; i++) {
                out[i] = row.get(i);
            }
            out[width] = values;
            out[width + 1] = shape;
            if (op.withIndices()) {
                out[width + 2] = indices;
            }
            return RowFactory.create(out);
        }
    }
}
