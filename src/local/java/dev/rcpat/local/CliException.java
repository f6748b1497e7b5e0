package dev.rcpat.local;

/** A problem the user can fix, told in one line (no stack trace): a port in use, no stack running, a bad flag. */
public final class CliException extends Exception {

    private final int exitCode;

    public CliException(String message) {
        this(message, 1);
    }

    public CliException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public static CliException usage(String message) {
        return new CliException(message, 2);
    }

    public int exitCode() {
        return exitCode;
    }
}
