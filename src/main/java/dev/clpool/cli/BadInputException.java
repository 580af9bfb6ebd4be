package dev.clpool.cli;

/** The arguments or input files are wrong (exit 2); the message names the file or option and the problem. */
final class BadInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadInputException(String message) {
        super(message);
    }

    BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
