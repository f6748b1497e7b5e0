package dev.rcpat.testing;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Every structured log line the handlers under test wrote, and every secret the tests saw
 * (tokens, passwords, codes, TOTP secrets), so {@link LogSecretScan} can prove no secret was logged.
 */
public final class LogCapture {

    private static final ConcurrentLinkedQueue<String> LINES = new ConcurrentLinkedQueue<>();
    private static final ConcurrentLinkedQueue<String> SECRETS = new ConcurrentLinkedQueue<>();

    private LogCapture() { }

    public static void record(String line) {
        LINES.add(line);
    }

    /** Registers a secret a test produced or received; the scan fails if any log line contains it. */
    public static <T extends CharSequence> T secret(T value) {
        if (value != null && value.length() >= 4) {
            SECRETS.add(value.toString());
        }
        return value;
    }

    public static List<String> lines() {
        return List.copyOf(LINES);
    }

    public static List<String> secrets() {
        return List.copyOf(SECRETS);
    }
}
