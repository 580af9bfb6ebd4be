package dev.clpool.spark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * The job's output, written into a hidden staging folder beside it ({@code .OUT.staging-ID}) and renamed into place
 * at the end, {@code _SKIPPED} and then {@code _SUCCESS} last: the output folder appears complete or not at all.
 * A failed job deletes the staging folder, so nothing of it is ever seen under the output's name.
 */
final class StagedOutput {
    static final String SUCCESS = "_SUCCESS";
    static final String SKIPPED = "_SKIPPED";
    private static final String ATTEMPT_SUFFIX = ".attempt";

    private final FileSystem fs;
    private final Path output;
    private final Path stage;

    private StagedOutput(FileSystem fs, Path output, Path stage) {
        this.fs = fs;
        this.output = output;
        this.stage = stage;
    }

    /**
     * Checks the output folder and chooses the staging folder; creates nothing.
     *
     * @param runId what makes the staging folder this run's own
     * @throws IllegalArgumentException naming {@code --output} when it exists and is not an empty folder
     */
    static StagedOutput prepare(Configuration conf, String output, String runId) throws IOException {
        Path out = new Path(output);
        FileSystem fs = withoutChecksums(out.getFileSystem(conf));
        out = fs.makeQualified(out);
        if (fs.exists(out) && (!fs.getFileStatus(out).isDirectory() || fs.listStatus(out).length > 0)) {
            throw new IllegalArgumentException("--output " + output + ": exists and is not an empty folder; name a new one");
        }
        if (out.getParent() == null) {
            throw new IllegalArgumentException("--output " + output + ": the root cannot be the output; name a folder");
        }
        return new StagedOutput(fs, out, new Path(out.getParent(), "." + out.getName() + ".staging-" + runId));
    }

    /** The file system itself where Hadoop adds a {@code .crc} file beside each file (the local one), else {@code fs}. */
    static FileSystem withoutChecksums(FileSystem fs) {
        return fs instanceof ChecksumFileSystem checksummed ? checksummed.getRawFileSystem() : fs;
    }

    /** The hidden name under which task attempt {@code attempt} writes {@code name} before renaming it. */
    static String attemptFileName(String name, long attempt) {
        return "." + name + "." + attempt + ATTEMPT_SUFFIX;
    }

    Path output() {
        return output;
    }

    Path stage() {
        return stage;
    }

    /**
     * Publishes the staged output: removes what task attempts that died left, writes {@code _SKIPPED} (when
     * {@code skipped} has lines) and {@code _SUCCESS}, and renames the staging folder to the output's name.
     */
    void commit(List<String> skipped) throws IOException {
        fs.mkdirs(stage);
        RemoteIterator<LocatedFileStatus> files = fs.listFiles(stage, true);
        while (files.hasNext()) {
            Path p = files.next().getPath();
            if (p.getName().startsWith(".") && p.getName().endsWith(ATTEMPT_SUFFIX)) {
                fs.delete(p, false);
            }
        }
        if (!skipped.isEmpty()) {
            write(SKIPPED, String.join("\n", skipped) + "\n");
        }
        write(SUCCESS, "");
        if (fs.exists(output)) {
            fs.delete(output, false); // empty, as prepare() checked; a folder filled since then is not deleted
        }
        if (!fs.rename(stage, output)) {
            throw new IOException("cannot rename the staging folder " + stage + " to " + output);
        }
    }

    /** Deletes the staging folder and all in it. */
    void abort() throws IOException {
        fs.delete(stage, true);
    }

    private void write(String name, String text) throws IOException {
        try (FSDataOutputStream out = fs.create(new Path(stage, name), true)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }
}
