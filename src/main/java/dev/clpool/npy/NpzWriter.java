package dev.clpool.npy;

import dev.clpool.io.AtomicFiles;
import dev.clpool.tensor.Tensor;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes NumPy {@code .npz} archives as {@code numpy.savez} does: one stored (uncompressed) entry
 * {@code KEY.npy} per array, in the map's order, which {@code numpy.load} and {@link Npz} read. The
 * file is written atomically: to a temporary file beside it, renamed into place, so a failure leaves
 * no partial archive and an existing file untouched.
 */
public final class NpzWriter {
    private NpzWriter() {
    }

    /**
     * Writes {@code arrays} (float32 or int64 tensors, by key) to {@code file}.
     *
     * @throws IllegalArgumentException for an empty key or one with a {@code /}
     */
    public static void write(Path file, Map<String, Tensor> arrays) throws IOException {
        for (String key : arrays.keySet()) {
            if (key.isEmpty() || key.contains("/")) {
                throw new IllegalArgumentException("key '" + key + "': an .npz key must be non-empty and without '/'");
            }
        }
        AtomicFiles.write(file, channel -> write(channel, arrays));
    }

    private static void write(FileChannel channel, Map<String, Tensor> arrays) throws IOException {
        // The channel stays open: AtomicFiles forces it to disk once the archive is complete.
        OutputStream unclosable = new FilterOutputStream(Channels.newOutputStream(channel)) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
        ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(unclosable, 1 << 16));
        for (Map.Entry<String, Tensor> e : arrays.entrySet()) {
            // A stored entry declares its size and CRC before its data: a first pass measures them.
            Measure measure = new Measure();
            NpyEncoder.encode(e.getValue(), measure);
            ZipEntry entry = new ZipEntry(e.getKey() + ".npy");
            entry.setMethod(ZipEntry.STORED);
            entry.setSize(measure.bytes);
            entry.setCompressedSize(measure.bytes);
            entry.setCrc(measure.crc.getValue());
            zip.putNextEntry(entry);
            NpyEncoder.encode(e.getValue(), zip::write);
            zip.closeEntry();
        }
        zip.finish();
        zip.flush();
    }

    /** Counts the bytes written to it and their CRC-32. */
    private static final class Measure implements NpyEncoder.Sink<RuntimeException> {
        final CRC32 crc = new CRC32();
        long bytes;

        @Override
        public void write(byte[] b, int offset, int length) {
            crc.update(b, offset, length);
            bytes += length;
        }
    }
}
