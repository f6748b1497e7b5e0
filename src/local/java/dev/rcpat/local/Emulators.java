package dev.rcpat.local;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The local AWS emulators, installed from npm (package.json / package-lock.json): dynalite for
 * DynamoDB and aws-ses-v2-local for SES. Each runs as a child {@code node} process on a free
 * loopback port and is stopped by its own process id.
 */
public final class Emulators implements AutoCloseable {

    private final List<Process> processes = new ArrayList<>();
    private final URI dynamoDbEndpoint;
    private final URI sesEndpoint;

    private Emulators(URI dynamoDbEndpoint, URI sesEndpoint) {
        this.dynamoDbEndpoint = dynamoDbEndpoint;
        this.sesEndpoint = sesEndpoint;
    }

    /**
     * Starts both emulators. {@code dataDir} null keeps DynamoDB data in memory; otherwise
     * dynalite keeps it on disk there.
     */
    public static Emulators start(Path projectDir, Path dataDir, Path logDir) throws IOException {
        return start(projectDir, dataDir, logDir, 0, 0);
    }

    /**
     * Emulators something else started and stops (LocalStack in Docker, for the tests): the
     * endpoints only; {@link #close()} stops nothing.
     */
    public static Emulators running(URI dynamoDbEndpoint, URI sesEndpoint) {
        return new Emulators(dynamoDbEndpoint, sesEndpoint);
    }

    /** As {@link #start(Path, Path, Path)}, on the given ports (0: a free one). */
    public static Emulators start(Path projectDir, Path dataDir, Path logDir, int dynamoDbPort, int sesPort)
            throws IOException {
        Path modules = projectDir.resolve("node_modules");
        Path dynalite = modules.resolve("dynalite/cli.js");
        Path ses = modules.resolve("aws-ses-v2-local/dist/cli.js");
        if (!Files.isRegularFile(dynalite) || !Files.isRegularFile(ses)) {
            throw new IllegalStateException("The emulators are not installed: run 'npm ci' in " + projectDir);
        }
        int dynamoPort = dynamoDbPort == 0 ? freePort() : dynamoDbPort;
        sesPort = sesPort == 0 ? freePort() : sesPort;
        Emulators e = new Emulators(URI.create("http://127.0.0.1:" + dynamoPort), URI.create("http://127.0.0.1:" + sesPort));
        try {
            List<String> dynaliteCmd = new ArrayList<>(List.of(node(), dynalite.toString(), "--host", "127.0.0.1",
                    "--port", String.valueOf(dynamoPort), "--createTableMs", "0", "--deleteTableMs", "0",
                    "--updateTableMs", "0"));
            if (dataDir != null) {
                Files.createDirectories(dataDir);
                dynaliteCmd.addAll(List.of("--path", dataDir.toString()));
            }
            e.spawn(dynaliteCmd, logDir, "dynalite");
            e.spawn(List.of(node(), ses.toString(), "--host", "127.0.0.1", "--port", String.valueOf(sesPort)),
                    logDir, "ses");
            e.waitUntilListening(dynamoPort, "dynalite", logDir);
            e.waitUntilListening(sesPort, "aws-ses-v2-local", logDir);
            return e;
        } catch (IOException | RuntimeException ex) {
            e.close();
            throw ex;
        }
    }

    private void spawn(List<String> command, Path logDir, String name) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command);
        if (logDir != null) {
            Files.createDirectories(logDir);
            pb.redirectOutput(logDir.resolve(name + ".log").toFile());
            pb.redirectErrorStream(true);
        } else {
            pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
            pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        }
        processes.add(pb.start());
    }

    /** Waits for the port, and fails at once (not after the timeout) when an emulator exits. */
    private void waitUntilListening(int port, String name, Path logDir) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            for (Process p : processes) {
                if (!p.isAlive()) {
                    throw new IOException("an emulator exited at start (exit code " + p.exitValue() + ")"
                            + (logDir == null ? "" : "; see " + logDir));
                }
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for " + name);
                }
            }
        }
        throw new IOException(name + " did not open port " + port + " within 20 s");
    }

    public URI dynamoDbEndpoint() {
        return dynamoDbEndpoint;
    }

    public URI sesEndpoint() {
        return sesEndpoint;
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
        processes.clear();
    }

    /** The node binary: $NODE, else node on the PATH. */
    static String node() {
        String fromEnv = System.getenv("NODE");
        return fromEnv == null || fromEnv.isBlank() ? "node" : fromEnv;
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }
}
