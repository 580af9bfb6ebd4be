package dev.clpool.cli;

/** The exit statuses every subcommand uses; scripts rely on them. */
final class ExitCodes {
    /** The command did what was asked. */
    static final int OK = 0;
    /** A comparison found differences, or something failed at run time (OpenCL, a device, writing a file). */
    static final int FAILED = 1;
    /** Bad arguments or bad input files: the same command fails the same way on any machine. */
    static final int BAD_INPUT = 2;

    private ExitCodes() {
    }
}
