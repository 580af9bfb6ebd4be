package dev.clpool.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IFactory;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * {@code java -jar clpool.jar SUBCOMMAND ...}: adaptive pooling of NumPy files on OpenCL devices or the
 * Java path. Subcommands are listed once, below; each is a class of its own that builds on the shared
 * option groups ({@link InputOptions}, {@link PoolOptions}, {@link DeviceOption}) and reports failures
 * through {@link ErrorReporter}'s exit codes.
 */
@Command(name = "clpool", scope = ScopeType.INHERIT, mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Adaptive pooling with PyTorch's results (adaptive_avg_pool1d/2d/3d, adaptive_max_pool1d/2d/3d with "
                + "int64 indices, pyramids of them, and their backward passes) on OpenCL devices or the Java path, reading "
                + "and writing NumPy .npy / .npz files.",
        subcommands = {
            PoolCommand.class,
            BackwardCommand.class,
            CompareCommand.class,
            DevicesCommand.class,
            PlanCommand.class,
            DemoCommand.class,
            BenchCommand.class,
            HelpCommand.class,
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:a failed comparison, or a failure at run time (an OpenCL error, a device that is not there, an "
                    + "output that cannot be written)",
            "2:bad arguments or bad input (an option, a SPEC, a missing file or key, a dtype, a rank, Fortran "
                    + "order, truncated data)",
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  clpool demo",
            "  clpool devices",
            "  clpool pool --mode avg --output-size 5,7 --input x.npy --output y.npy",
            "  clpool pool --mode avg --output-size 1 --output-size 2 --output-size 3 --output-size 6 --input x.npy --output p.npz",
            "  clpool backward --mode avg --input-shape 2,64,10,9 --grad g.npy --output dx.npy",
            "  clpool compare --mode max --output-size none,7 --input x.npy",
            "  clpool plan --input-size 10,9 --output-size 7 --svg bins.svg",
            "  clpool bench --suite cpu --device all",
        })
public final class Main implements Callable<Integer> {
    private final boolean unicode;

    @Spec
    private CommandSpec spec;

    private Main(boolean unicode) {
        this.unicode = unicode;
    }

    @Option(names = {"-v", ErrorReporter.VERBOSE}, scope = ScopeType.INHERIT, description = "Log at DEBUG and show the stack trace of an error.")
    private void setVerbose(boolean verbose) {
        if (verbose) {
            Logging.enableDebug();
        }
    }

    /** Whether output may use Unicode box drawing (false when stdout's charset lacks it). */
    boolean unicode() {
        return unicode;
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing subcommand: one of "
                + String.join(", ", spec.subcommands().keySet()));
    }

    public static void main(String[] args) {
        SignalChainingLauncher.relaunchIfNeeded();
        Logging.useCliConfiguration();
        Charset charset = Charset.defaultCharset();
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, charset), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, charset), true);
        boolean unicode = charset.newEncoder().canEncode("\u2500\u2502\u253c\u2588\u00b7");
        System.exit(execute(CommandLine.defaultFactory(), unicode, out, err, args));
    }

    /** Runs one command line in this JVM, printing to {@code out} and {@code err}; returns the exit code. */
    static int execute(PrintWriter out, PrintWriter err, String... args) {
        return execute(CommandLine.defaultFactory(), true, out, err, args);
    }

    /** As {@link #execute(PrintWriter, PrintWriter, String...)}, with subcommands made by {@code factory}. */
    static int execute(IFactory factory, boolean unicode, PrintWriter out, PrintWriter err, String... args) {
        ErrorReporter reporter = new ErrorReporter();
        try (Logging scope = Logging.scope()) {
            return new CommandLine(new Main(unicode), factory)
                    .setOut(out)
                    .setErr(err)
                    .setParameterExceptionHandler(reporter)
                    .setExecutionExceptionHandler(reporter)
                    .execute(args);
        } catch (OutOfMemoryError e) {
            // picocli hands only Exceptions to the handler; a large input is the usual cause of this one.
            err.println("clpool: not enough memory (" + e.getMessage() + "); give Java more, e.g. java -Xmx16g -jar clpool.jar ...");
            return ExitCodes.FAILED;
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** The project version, filled into {@code version.properties} by the build. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"clpool " + dev.clpool.Version.get()};
        }
    }
}
