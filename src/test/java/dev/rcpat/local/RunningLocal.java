package dev.rcpat.local;

import dev.rcpat.testing.LogCapture;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One {@code bin/local serve} per test JVM, started through {@link LocalCli} exactly as the
 * script starts it, but on free ports and with its own state file (a developer's running stack
 * is left alone). The handlers' log lines go to {@link LogCapture}, so the secret scan covers them.
 * Stopped (server and emulator processes) when the JVM exits. Public for the token page's browser
 * tests, which open what serve printed.
 */
public final class RunningLocal {

    static final Path PROJECT = Path.of(System.getProperty("user.dir"));
    static final Path STATE = PROJECT.resolve("target/local-it/state.json");
    private static RunningLocal instance;
    private static RunningLocal unlimited;

    final DevStack stack;
    final String serveOutput;

    private RunningLocal(Path state, Map<String, String> environment) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        LocalCli cli = new LocalCli(PROJECT, new StateFile(state), environment, print, print, LogCapture::record);
        stack = cli.serve(List.of("--port", "0", "--dynamodb-port", "0", "--ses-port", "0"));
        Runtime.getRuntime().addShutdownHook(new Thread(stack::close));
        serveOutput = out.toString(StandardCharsets.UTF_8);
    }

    /** {@code bin/local serve} with the defaults. */
    public static synchronized RunningLocal get() {
        if (instance == null) {
            instance = start(STATE, Map.of());
        }
        return instance;
    }

    /**
     * A second {@code bin/local serve}, as {@code API_ENABLE_RATE_LIMITER=false bin/local serve}
     * starts it: for the browser journeys, whose many sign-ins from one address the limiter would
     * refuse after ten a minute (the page's answer to a 429 is tested on its own).
     */
    public static synchronized RunningLocal withoutRateLimiter() {
        if (unlimited == null) {
            unlimited = start(PROJECT.resolve("target/local-it/state-unlimited.json"),
                    Map.of("API_ENABLE_RATE_LIMITER", "false"));
        }
        return unlimited;
    }

    private static RunningLocal start(Path state, Map<String, String> environment) {
        try {
            return new RunningLocal(state, environment);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("bin/local serve did not start: " + e.getMessage(), e);
        }
    }

    public DevStack stack() {
        return stack;
    }

    /** What serve printed: the banner, with the token page's URL first. */
    public String serveOutput() {
        return serveOutput;
    }

    record Result(int code, String out, String err) { }

    /** Runs a bin/local command (other than serve) against this stack, as the script would. */
    Result run(String... args) {
        return run(STATE, args);
    }

    static Result run(Path stateFile, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errPrint = new PrintStream(err, true, StandardCharsets.UTF_8);
        LocalCli cli = new LocalCli(PROJECT, new StateFile(stateFile), Map.of(),
                new PrintStream(out, true, StandardCharsets.UTF_8), errPrint, LogCapture::record);
        int code = cli.run(args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
