package dev.clpool.npy;

import dev.clpool.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/** Reads arrays from NumPy {@code .npz} archives (as written by {@code numpy.savez} / {@code savez_compressed}). */
public final class Npz {
    private Npz() {
    }

    /** The names of the arrays in an archive, without the {@code .npy} suffix. */
    public static List<String> keys(Path file) throws IOException {
        try (ZipFile zip = open(file)) {
            return keys(zip);
        }
    }

    private static List<String> keys(ZipFile zip) {
        List<String> keys = new ArrayList<>();
        zip.stream().map(ZipEntry::getName).filter(n -> n.endsWith(".npy"))
                .forEach(n -> keys.add(n.substring(0, n.length() - 4)));
        return keys;
    }

    /** Reads the array {@code key} (with or without {@code .npy}) from an archive. */
    public static Tensor read(Path file, String key) throws IOException {
        return read(file, key, false);
    }

    /** As {@link #read(Path, String)}, 16-bit integer arrays read as bfloat16 bit patterns (see {@link Npy#readBFloat16}). */
    public static Tensor readBFloat16(Path file, String key) throws IOException {
        return read(file, key, true);
    }

    private static Tensor read(Path file, String key, boolean bfloat16Bits) throws IOException {
        try (ZipFile zip = open(file)) {
            ZipEntry entry = entry(zip, file, key);
            try (InputStream in = zip.getInputStream(entry)) {
                return NpyDecoder.decode(in::read, entry.getSize(), file + ":" + key, bfloat16Bits);
            }
        }
    }

    /**
     * The array {@code key} of an archive with its header read and checked, its data not, as {@link #read}
     * checks it: for readers that take the data a run at a time, whatever its size. Close it to close the
     * archive.
     *
     * @param bfloat16Bits whether 16-bit integer arrays are bfloat16 bit patterns (see {@link Npy#readBFloat16})
     * @throws NpyFormatException as {@link #read(Path, String)}, naming the file (and the key)
     */
    public static NpzMember member(Path file, String key, boolean bfloat16Bits) throws IOException {
        ZipFile zip = open(file);
        try {
            return NpzMember.of(zip, file, entry(zip, file, key), file + ":" + key, bfloat16Bits);
        } catch (IOException | RuntimeException e) {
            zip.close();
            throw e;
        }
    }

    /** The entry of {@code key}, which must record its size. */
    private static ZipEntry entry(ZipFile zip, Path file, String key) throws NpyFormatException {
        String name = key.endsWith(".npy") ? key : key + ".npy";
        ZipEntry entry = zip.getEntry(name);
        if (entry == null) {
            List<String> keys = keys(zip);
            String listed = keys.isEmpty() ? "none"
                    : String.join(", ", keys.subList(0, Math.min(20, keys.size()))) + (keys.size() > 20 ? ", ..." : "");
            throw new NpyFormatException(file + ": no array '" + key + "' in the archive; it has " + listed);
        }
        if (entry.getSize() < 0) {
            throw new NpyFormatException(file + ": entry " + name + " does not record its size");
        }
        return entry;
    }

    private static ZipFile open(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such file");
        }
        try {
            return new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new NpyFormatException(file + ": not a .npz archive (" + e.getMessage() + ")");
        }
    }
}
