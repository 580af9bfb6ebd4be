package dev.clpool.spark;

import dev.clpool.op.PoolMode;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * Pools every {@code *.npy} under a folder (recursively, through Spark's {@code binaryFile} source), each file as
 * {@code clpool pool} pools it, and writes Parquet (one row per sample) or {@code .npy} files mirroring the input
 * tree. A shard that cannot be pooled fails the job, naming it, before anything is published, or with
 * {@code --on-bad skip} is left out and listed in {@code _SKIPPED}.
 *
 * <pre>
 * spark-submit --class dev.clpool.spark.NpyPoolJob clpool-spark.jar \
 *     --input DIR --output DIR --mode avg|max --output-size SPEC [--format parquet|npy] [--device D] [--on-bad fail|skip]
 * </pre>
 *
 * <p>Exit codes as the CLI's: 0 success, 1 a failure at run time, 2 bad arguments or a bad shard.
 */
public final class NpyPoolJob {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int BAD_INPUT = 2;
    private static final Duration TASKS_STOP = Duration.ofSeconds(60);

    /** What a run pooled: files seen, samples pooled, the skipped shards' lines, the devices tasks used. */
    record Result(int files, long samples, List<String> skipped, Set<String> devices) {
    }

    private NpyPoolJob() {
    }

    public static void main(String[] args) {
        JobOptions options;
        try {
            options = JobOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("clpool-spark: " + e.getMessage());
            System.exit(BAD_INPUT);
            return;
        }
        SparkSession.Builder builder = SparkSession.builder().appName("clpool npy pool");
        if (!options.device().isBlank()) {
            builder.config(ClpoolConf.DEVICE, options.device()); // what ClpoolPlugin opens on each executor
        }
        SparkSession spark = builder.getOrCreate();
        int code;
        try {
            code = run(spark, options, System.out, System.err);
        } finally {
            spark.stop();
        }
        System.exit(code);
    }

    /** Runs the job, printing a summary to {@code out} and a failure as one line to {@code err}; returns the exit code. */
    static int run(SparkSession spark, JobOptions options, PrintStream out, PrintStream err) {
        try {
            Result r = run(spark, options);
            for (String line : r.skipped()) {
                err.println("clpool-spark: skipped " + line);
            }
            out.println("clpool-spark: pooled " + (r.files() - r.skipped().size()) + " of " + r.files() + " .npy files ("
                    + r.samples() + " samples) from " + options.input() + " into " + options.output() + " ("
                    + options.format().name().toLowerCase(Locale.ROOT) + "), on " + String.join(", ", new TreeSet<>(r.devices()))
                    + (r.skipped().isEmpty() ? "" : "; skipped " + r.skipped().size() + ", listed in " + StagedOutput.SKIPPED));
            return OK;
        } catch (IllegalArgumentException e) {
            err.println("clpool-spark: " + e.getMessage());
            return BAD_INPUT;
        } catch (Exception e) {
            BadShardException bad = badShard(e);
            if (bad != null) {
                err.println("clpool-spark: --input " + options.input() + ": " + bad.getMessage()
                        + " (nothing was written; --on-bad skip pools the other files)");
                return BAD_INPUT;
            }
            err.println("clpool-spark: failed, nothing was written: " + e);
            e.printStackTrace(err);
            return FAILED;
        }
    }

    /**
     * Runs the job.
     *
     * @throws IllegalArgumentException naming the option for a missing input folder, an output that is not new, or
     *     outputs that would collide
     * @throws BadShardException (possibly as the cause of Spark's exception) for a bad shard, unless skipped
     */
    static Result run(SparkSession spark, JobOptions options) throws IOException, InterruptedException {
        SparkContext sc = spark.sparkContext();
        Configuration conf = sc.hadoopConfiguration();
        String root = inputRoot(conf, options.input());
        StagedOutput staged = StagedOutput.prepare(conf, options.output(), sc.applicationId() + "-" + System.nanoTime());
        if (staged.output().toString().startsWith(root + "/")) {
            throw new IllegalArgumentException("--output " + options.output() + ": inside --input " + options.input()
                    + "; a later run would read it as input");
        }
        Dataset<Row> files = spark.read().format("binaryFile")
                .option("pathGlobFilter", "*.npy")
                .option("recursiveFileLookup", "true")
                .load(root);
        List<String> paths = files.select(ShardContext.PATH).as(Encoders.STRING()).collectAsList();
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("--input " + options.input() + ": no .npy file in it or below it");
        }
        CollectionAccumulator<String> skipped = sc.collectionAccumulator("clpool skipped shards");
        CollectionAccumulator<String> devices = sc.collectionAccumulator("clpool devices");
        LongAccumulator samples = sc.longAccumulator("clpool samples");
        ShardContext context = new ShardContext(root, options.pool(), options.device(),
                options.onBad() == JobOptions.OnBad.SKIP, skipped, devices, samples);
        if (options.format() == JobOptions.Format.NPY && options.pool().mode() == PoolMode.MAX) {
            refuseIndexCollisions(paths.stream().map(context::relative).toList());
        }

        RunningTasks running = new RunningTasks();
        sc.addSparkListener(running);
        try {
            Dataset<Row> content = files.select(ShardContext.PATH, ShardContext.CONTENT);
            if (options.format() == JobOptions.Format.PARQUET) {
                content.mapPartitions(new ParquetShards(context), Encoders.row(ParquetShards.schema(options.pool().withIndices())))
                        .write().parquet(staged.stage().toString());
            } else {
                content.foreachPartition(new NpyShards(context, new HadoopConf(conf), staged.stage().toString()));
            }
            List<String> skippedLines = new ArrayList<>(new TreeSet<>(skipped.value()));
            staged.commit(skippedLines);
            return new Result(paths.size(), samples.value(), skippedLines, new HashSet<>(devices.value()));
        } catch (Exception e) { // Spark throws its checked SparkException undeclared
            running.awaitIdle(TASKS_STOP);
            staged.abort();
            throw e;
        } finally {
            sc.removeSparkListener(running);
        }
    }

    /** The input folder qualified as the {@code binaryFile} source writes paths, {@code file:/data/in}. */
    private static String inputRoot(Configuration conf, String input) throws IOException {
        Path in = new Path(input);
        FileSystem fs = in.getFileSystem(conf);
        if (!fs.exists(in) || !fs.getFileStatus(in).isDirectory()) {
            throw new IllegalArgumentException("--input " + input + ": no such folder");
        }
        return fs.makeQualified(in).toString();
    }

    /** {@code x.indices.npy} among the inputs would be overwritten by {@code x.npy}'s indices. */
    private static void refuseIndexCollisions(List<String> relative) {
        Set<String> inputs = new HashSet<>(relative);
        for (String path : relative) {
            String indices = NpyShards.indicesPath(path);
            if (inputs.contains(indices)) {
                throw new IllegalArgumentException("--format npy --mode max: the indices of " + path + " would overwrite the output"
                        + " of the input " + indices + "; rename it or use --format parquet");
            }
        }
    }

    /** The bad shard behind a failure, through Spark's wrapping exceptions. */
    private static BadShardException badShard(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BadShardException bad) {
                return bad;
            }
        }
        return null;
    }
}
