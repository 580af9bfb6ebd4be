package dev.clpool.spark;

import dev.clpool.Clpool;
import dev.clpool.npy.Npy;
import dev.clpool.op.AdaptivePool;
import dev.clpool.op.PoolResult;
import dev.clpool.plan.PoolPlan;
import dev.clpool.tensor.DType;
import dev.clpool.tensor.Tensor;
import java.io.IOException;

/**
 * One {@code .npy} shard pooled as {@code clpool pool} pools a file: the whole array, (C, H, W) or (N, C, H, W),
 * in one call.
 *
 * @param path the shard's path relative to the job's input folder
 * @param values float32, the input's rank
 * @param indices int64, shaped as the values, for max; else null
 */
record PooledShard(String path, Tensor values, Tensor indices) {
    /**
     * Reads and pools one shard.
     *
     * @throws BadShardException naming {@code path} when the bytes are not a float32 (C, H, W) or (N, C, H, W)
     *     array that PyTorch would pool to {@code op}'s size
     */
    static PooledShard pool(String path, byte[] content, AdaptivePool op, Clpool engine) {
        Tensor x;
        try {
            x = Npy.read(content, path);
        } catch (IOException e) {
            throw new BadShardException(e.getMessage(), e);
        }
        if (x.dtype() != DType.FLOAT32) {
            throw new BadShardException(path + ": dtype " + x.dtype() + "; the job pools float32 ('<f4') arrays", null);
        }
        try {
            PoolPlan.of(x.shape(), op);
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            throw new BadShardException(path + ": " + (m.startsWith("input: ") ? m.substring("input: ".length()) : m), e);
        }
        PoolResult r = engine.pool(x, op);
        return new PooledShard(path, r.values(), r.indices());
    }

    /** How many samples the shard holds: N of (N, C, H, W), 1 for (C, H, W). */
    int samples() {
        return values.shape().rank() == 4 ? (int) values.shape().dim(0) : 1;
    }

    /** The pooled (C, H, W) of each sample. */
    long[] sampleShape() {
        long[] s = values.shape().toArray();
        return s.length == 4 ? new long[] {s[1], s[2], s[3]} : s;
    }
}
