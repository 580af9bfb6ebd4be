package dev.clpool.cli;

import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.List;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;
import picocli.CommandLine;

/**
 * Turns every failure into its exit code and one line on stderr, {@code clpool SUBCOMMAND: problem}.
 * Stack traces, and the rest of multi-line messages such as OpenCL build logs, only with {@code --verbose}.
 */
final class ErrorReporter implements IParameterExceptionHandler, IExecutionExceptionHandler {
    static final String VERBOSE = "--verbose";

    @Override
    public int handleParseException(ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        String name = cl.getCommandSpec().qualifiedName();
        List<String> suggestions = e instanceof UnmatchedArgumentException u ? u.getSuggestions() : List.of();
        cl.getErr().println(name + ": " + firstLine(e.getMessage())
                + (suggestions.isEmpty() ? "" : " (did you mean " + String.join(" or ", suggestions) + "?)")
                + " (see '" + name + " --help')");
        return ExitCodes.BAD_INPUT;
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine cl, ParseResult parsed) {
        PrintWriter err = cl.getErr();
        boolean verbose = isVerbose(parsed);
        String message = describe(e);
        String line = firstLine(message);
        if (!verbose && !line.equals(message.strip())) {
            line += " (more with " + VERBOSE + ")";
        }
        err.println(cl.getCommandSpec().qualifiedName() + ": " + line);
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        return e instanceof BadInputException ? ExitCodes.BAD_INPUT : ExitCodes.FAILED;
    }

    /** True when --verbose was given to the root command or any subcommand on the way. */
    static boolean isVerbose(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption(VERBOSE)) {
                return true;
            }
        }
        return false;
    }

    /** A message a user can act on, also for exceptions that carry only a path or nothing. */
    static String describe(Throwable e) {
        if (e instanceof FileSystemException f && f.getReason() == null) {
            String what = e instanceof NoSuchFileException ? "no such file or directory"
                    : e instanceof AccessDeniedException ? "permission denied"
                    : e instanceof NotDirectoryException ? "not a directory"
                    : e.getClass().getSimpleName();
            return f.getFile() + ": " + what;
        }
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e.getClass().getName() + (e.getCause() == null ? "" : ": " + describe(e.getCause()));
        }
        // clpool's exceptions and I/O errors are written for users; anything else is likely a bug: name it.
        boolean forUsers = e.getClass().getPackageName().startsWith("dev.clpool") || !(e instanceof RuntimeException);
        return forUsers ? m : e.getClass().getSimpleName() + ": " + m;
    }

    private static String firstLine(String message) {
        String s = message == null ? "" : message.strip();
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl).strip();
    }
}
