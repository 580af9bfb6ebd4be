package dev.clpool.spark;

/** A {@code .npy} shard the job cannot pool (corrupt, not float32, a shape PyTorch refuses); the message names it first. */
public final class BadShardException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadShardException(String message, Throwable cause) {
        super(message, cause);
    }
}
