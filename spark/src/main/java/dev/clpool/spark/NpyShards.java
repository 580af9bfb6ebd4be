package dev.clpool.spark;

import dev.clpool.Clpool;
import dev.clpool.npy.Npy;
import dev.clpool.op.AdaptivePool;
import dev.clpool.tensor.Tensor;
import java.io.IOException;
import java.util.Iterator;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.ForeachPartitionFunction;
import org.apache.spark.sql.Row;

/**
 * Writes a partition's shards as {@code .npy} files into the job's staging folder, mirroring the input tree:
 * {@code a/b.npy} gives {@code a/b.npy} (the values, as {@code clpool pool --output} writes them) and, for max,
 * {@code a/b.indices.npy} (as {@code --indices} writes them).
 */
final class NpyShards implements ForeachPartitionFunction<Row> {
    private static final long serialVersionUID = 1L;
    static final String INDICES_SUFFIX = ".indices.npy";

    private final ShardContext context;
    private final HadoopConf conf;
    private final String stage;

    NpyShards(ShardContext context, HadoopConf conf, String stage) {
        this.context = context;
        this.conf = conf;
        this.stage = stage;
    }

    /** {@code a/b.indices.npy} for {@code a/b.npy}. */
    static String indicesPath(String relative) {
        return relative.substring(0, relative.length() - ".npy".length()) + INDICES_SUFFIX;
    }

    @Override
    public void call(Iterator<Row> files) throws IOException {
        Clpool engine = context.engine();
        AdaptivePool op = context.pool().op();
        Path root = new Path(stage);
        FileSystem fs = StagedOutput.withoutChecksums(root.getFileSystem(conf.get()));
        TaskContext task = TaskContext.get();
        while (files.hasNext()) {
            task.killTaskIfInterrupted(); // a failed job's other tasks stop before writing more
            PooledShard shard = context.pool(files.next(), op, engine);
            if (shard != null) {
                write(fs, new Path(root, shard.path()), shard.values(), task.taskAttemptId());
                if (shard.indices() != null) {
                    write(fs, new Path(root, indicesPath(shard.path())), shard.indices(), task.taskAttemptId());
                }
            }
        }
    }

    /**
     * Writes one file through a hidden temporary file of this task attempt, renamed into place, so that attempts
     * of one task (retries, speculation) never interleave their bytes.
     */
    private static void write(FileSystem fs, Path file, Tensor tensor, long attempt) throws IOException {
        Path tmp = new Path(file.getParent(), StagedOutput.attemptFileName(file.getName(), attempt));
        try (FSDataOutputStream out = fs.create(tmp, true)) {
            Npy.write(tensor, out);
        }
        if (!fs.rename(tmp, file)) {
            fs.delete(tmp, false);
            if (!fs.exists(file)) {
                throw new IOException("cannot rename " + tmp + " to " + file);
            }
            // else another attempt of this task wrote the same bytes first
        }
    }
}
