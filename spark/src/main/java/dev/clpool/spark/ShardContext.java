package dev.clpool.spark;

import dev.clpool.Clpool;
import dev.clpool.op.AdaptivePool;
import java.io.Serializable;
import org.apache.spark.sql.Row;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * What every task of the {@code .npy} job shares: the input folder, the pooling, the device, what a bad shard
 * does, and the accumulators tasks report to the driver through.
 *
 * @param inputRoot the input folder, qualified as the {@code binaryFile} source writes its paths ({@code file:/data/in})
 * @param device "" for the executor's engine
 * @param skipBad whether a bad shard is skipped (else it fails the job)
 * @param skipped one line per skipped shard: its path, then why
 * @param devices where each task pooled
 * @param samples how many samples were pooled
 */
record ShardContext(String inputRoot, PoolSpec pool, String device, boolean skipBad, CollectionAccumulator<String> skipped,
                    CollectionAccumulator<String> devices, LongAccumulator samples) implements Serializable {
    /** The column names the tasks read of the {@code binaryFile} source. */
    static final String PATH = "path";
    static final String CONTENT = "content";

    /** The engine of this task, recorded in {@link #devices}. */
    Clpool engine() {
        Clpool engine = ExecutorEngines.select(device);
        devices.add(engine.device());
        return engine;
    }

    /** The path of a {@code binaryFile} row relative to the input folder: {@code a/b.npy}. */
    String relative(String path) {
        if (!path.startsWith(inputRoot + "/")) {
            throw new IllegalStateException("binaryFile path " + path + " is not under the input folder " + inputRoot);
        }
        return path.substring(inputRoot.length() + 1);
    }

    /** Pools one file of the {@code binaryFile} source; a bad one throws, or is recorded and gives null with skipBad. */
    PooledShard pool(Row file, AdaptivePool op, Clpool engine) {
        String path = relative(file.getAs(PATH));
        try {
            PooledShard shard = PooledShard.pool(path, file.getAs(CONTENT), op, engine);
            samples.add(shard.samples());
            return shard;
        } catch (BadShardException e) {
            if (!skipBad) {
                throw e;
            }
            skipped.add(e.getMessage());
            return null;
        }
    }
}
