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
        Path modules = projectDir.resolve("node_modules");
        Path dynalite = modules.resolve("dynalite/cli.js");
        Path ses = modules.resolve("aws-ses-v2-local/dist/cli.js");
        if (!Files.isRegularFile(dynalite) || !Files.isRegularFile(ses)) {
            throw new IllegalStateException("The emulators are not installed: run 'npm ci' in " + projectDir);
        }
        int dynamoPort = freePort();
        int sesPort = freePort();
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
            waitForPort(dynamoPort, Duration.ofSeconds(20));
            waitForPort(sesPort, Duration.ofSeconds(20));
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

    public URI dynamoDbEndpoint() {
        return dynamoDbEndpoint;
    }

    public URI sesEndpoint() {
        return sesEndpoint;
    }

    public List<Long> pids() {
        return processes.stream().map(Process::pid).toList();
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

    static void waitForPort(int port, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for port " + port);
                }
            }
        }
        throw new IOException("emulator did not open port " + port + " within " + timeout.toSeconds() + " s");
    }
}
