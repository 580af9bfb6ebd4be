package dev.clpool.opencl;

import dev.clpool.io.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compiled programs kept on disk, so that a fresh JVM reaches its first result without recompiling.
 * An entry is keyed by a hash of the entry format, the source, the build options, the platform, device,
 * device version and driver version (a new clpool with the same kernel source reuses the entry); it is written atomically and carries its length and CRC, so a
 * torn or corrupt entry is detected, deleted and rebuilt. A device that refuses a binary gets a build
 * from source too.
 */
final class ProgramCache {
    private static final Logger LOG = LoggerFactory.getLogger(ProgramCache.class);
    private static final byte[] MAGIC = "CLPOOLBIN1".getBytes(StandardCharsets.US_ASCII);

    private ProgramCache() {
    }

    /** {@code clpool.cacheDir} ({@code off} for none), else {@code $XDG_CACHE_HOME/clpool}, else {@code ~/.cache/clpool}. */
    static Path defaultDirectory() {
        String configured = System.getProperty("clpool.cacheDir");
        if (configured != null) {
            return configured.equalsIgnoreCase("off") ? null : Path.of(configured);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("clpool");
    }

    /** The program from the cache in {@code dir} when a valid entry is there, else built from source and cached. */
    static ClProgram build(ClContext context, ClDevice device, String name, String source, String options, Path dir) {
        if (dir == null) {
            return ClProgram.build(context, device, name, source, options);
        }
        Path entry = dir.resolve(key(device.info(), source, options) + ".bin");
        byte[] cached = readEntry(entry);
        if (cached != null) {
            try {
                ClProgram program = ClProgram.fromBinary(context, device, name, cached, options);
                LOG.debug("loaded {} for {} from {}", name, device.info().name(), entry);
                return program;
            } catch (ClException e) {
                LOG.info("the cached program {} was refused ({}); rebuilding it", entry, e.getMessage());
            }
        }
        ClProgram program = ClProgram.build(context, device, name, source, options);
        try {
            writeEntry(entry, program.binary());
        } catch (IOException | ClException e) {
            LOG.warn("could not cache the compiled program in {}: {}", entry, e.toString());
        }
        return program;
    }

    static String key(DeviceInfo device, String source, String options) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : new String[] {new String(MAGIC, StandardCharsets.US_ASCII), source, options, device.platformName(),
                    device.name(), device.vendor(), device.version(), device.driverVersion()}) {
                sha.update(part.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The binary of a valid entry, or null when there is none or it is corrupt (then it is deleted). */
    private static byte[] readEntry(Path entry) {
        if (!Files.isRegularFile(entry)) {
            return null;
        }
        try {
            ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(entry));
            byte[] magic = new byte[MAGIC.length];
            if (in.remaining() >= MAGIC.length + 16) {
                in.get(magic);
                long length = in.getLong();
                long crc = in.getLong();
                if (Arrays.equals(magic, MAGIC) && length == in.remaining()) {
                    byte[] binary = new byte[in.remaining()];
                    in.get(binary);
                    if (crc(binary) == crc) {
                        return binary;
                    }
                }
            }
            LOG.info("the cached program {} is corrupt; rebuilding it", entry);
            Files.deleteIfExists(entry);
        } catch (IOException e) {
            LOG.info("could not read the cached program {}: {}", entry, e.toString());
        }
        return null;
    }

    private static void writeEntry(Path entry, byte[] binary) throws IOException {
        Files.createDirectories(entry.getParent());
        ByteBuffer out = ByteBuffer.allocate(MAGIC.length + 16 + binary.length);
        out.put(MAGIC).putLong(binary.length).putLong(crc(binary)).put(binary).flip();
        AtomicFiles.write(entry, channel -> {
            while (out.hasRemaining()) {
                channel.write(out);
            }
        });
    }

    private static long crc(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return crc.getValue();
    }
}
