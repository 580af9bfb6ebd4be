package dev.clpool.stream;

import dev.clpool.npy.Npy;
import dev.clpool.npy.NpyFormatException;
import dev.clpool.npy.NpyHeader;
import dev.clpool.npy.Npz;
import dev.clpool.npy.NpzMember;
import dev.clpool.tensor.Layout;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * {@link ChunkSource}s over NumPy files of any size, checked as {@link Npy#read(Path)} and {@link Npz#read}
 * check them (before anything of the data is read): a {@code .npy} file or a stored {@code .npz} member is
 * memory-mapped, its runs views of the file; a deflated member is inflated as it is read, into a few reused
 * buffers. The file is only read.
 */
public final class NpySource {
    private NpySource() {
    }

    /** A {@code .npy} file in C order, of its own dtype. */
    public static ChunkSource open(Path file) throws IOException {
        return open(file, null, Layout.CONTIGUOUS, false);
    }

    /**
     * A {@code .npy} file, or the array {@code key} of an {@code .npz} archive.
     *
     * @param key the archive's array, or {@code null} for a {@code .npy} file
     * @param layout {@link Layout#CHANNELS_LAST}: the file's array is {@code (N, H, W, C)} (or
     *     {@code (N, D, H, W, C)}), read as the logical {@code (N, C, H, W)} tensor in channels last
     * @param bfloat16Bits whether 16-bit integer arrays are bfloat16 bit patterns (see {@link Npy#readBFloat16(Path)})
     * @throws NpyFormatException as the readers of whole files, naming the file (and key)
     * @throws IllegalArgumentException for channels last of an array that is not 4-d or 5-d
     */
    public static ChunkSource open(Path file, String key, Layout layout, boolean bfloat16Bits) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(layout, "layout");
        if (key == null) {
            NpyHeader h = Npy.header(file, bfloat16Bits);
            return new MappedSource(file, h.headerBytes(), h, layout, file.toString());
        }
        NpzMember member = Npz.member(file, key, bfloat16Bits);
        try {
            if (member.isStored()) {
                member.close(); // the archive is mapped as a file: its ZipFile is not needed
                return new MappedSource(file, member.dataOffset(), member.header(), layout, member.name());
            }
            return new InflatedSource(member, layout);
        } catch (IOException | RuntimeException e) {
            member.close();
            throw e;
        }
    }
}
