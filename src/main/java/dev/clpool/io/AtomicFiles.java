package dev.clpool.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/** Writes files so that readers see either the old file or the complete new one, never a partial one. */
public final class AtomicFiles {
    /** Writes the content of a file to an open channel. */
    @FunctionalInterface
    public interface Content {
        void writeTo(FileChannel channel) throws IOException;
    }

    private AtomicFiles() {
    }

    /**
     * Writes {@code content} to a temporary file in {@code file}'s directory, forces it to disk and
     * renames it over {@code file}. On any failure the temporary file is deleted and {@code file} is
     * left as it was.
     */
    public static void write(Path file, Content content) throws IOException {
        try (Pending pending = create(file)) {
            content.writeTo(pending.channel());
            pending.commit();
        }
    }

    /**
     * Opens a temporary file in {@code file}'s directory to be written bit by bit, e.g. as results are
     * produced: {@link Pending#commit()} renames it over {@code file}, and closing it without a commit deletes it.
     */
    public static Pending create(Path file) throws IOException {
        Path target = file.toAbsolutePath();
        while (true) {
            // Not Files.createTempFile, which makes the file owner-only: the result gets the permissions
            // any new file of the user's gets (the umask's), as a file written in place would.
            Path tmp = target.resolveSibling("." + target.getFileName() + "." + Long.toUnsignedString(
                    ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
            try {
                return new Pending(target, tmp, FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW));
            } catch (FileAlreadyExistsException e) {
                // another writer's temporary file: draw another name
            }
        }
    }

    /** A temporary file that becomes {@code target} on {@link #commit()}, or disappears on {@link #close()}. */
    public static final class Pending implements AutoCloseable {
        private final Path target;
        private final Path tmp;
        private final FileChannel channel;
        private boolean committed;

        private Pending(Path target, Path tmp, FileChannel channel) {
            this.target = target;
            this.tmp = tmp;
            this.channel = channel;
        }

        /** Where to write the content, from its start. */
        public FileChannel channel() {
            return channel;
        }

        /** Forces the content to disk and renames the temporary file over the target. */
        public void commit() throws IOException {
            channel.force(true);
            channel.close();
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            committed = true;
        }

        /** Deletes the temporary file unless it was committed; the target is then as it was. */
        @Override
        public void close() throws IOException {
            if (!committed) {
                try {
                    channel.close();
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
        }
    }
}
