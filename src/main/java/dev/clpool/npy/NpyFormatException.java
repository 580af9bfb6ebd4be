package dev.clpool.npy;

import java.io.IOException;

/** A {@code .npy} or {@code .npz} file that clpool cannot read: the message names the file and the problem. */
public final class NpyFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public NpyFormatException(String message) {
        super(message);
    }
}
