package dev.rcpat.local;

import dev.rcpat.local.Json;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/** The state file {@code bin/local serve} writes ({@code .local/state.json}) and removes when it stops. */
public final class StateFile {

    private final Path path;

    public StateFile(Path path) {
        this.path = path;
    }

    public Path path() {
        return path;
    }

    public void write(LocalState state) throws IOException {
        Files.createDirectories(path.getParent());
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        Files.writeString(tmp, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(state) + "\n");
        try {
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The state of a stack whose process is still alive; a file left by a killed one does not count. */
    public Optional<LocalState> running() {
        if (!Files.isRegularFile(path)) {
            return Optional.empty();
        }
        try {
            LocalState s = Json.MAPPER.readValue(path.toFile(), LocalState.class);
            boolean alive = ProcessHandle.of(s.pid()).map(ProcessHandle::isAlive).orElse(false);
            return alive ? Optional.of(s) : Optional.empty();
        } catch (IOException unreadable) {
            return Optional.empty();
        }
    }

    public LocalState requireRunning() throws CliException {
        return running().orElseThrow(() -> new CliException(
                "no local stack is running (start one with: bin/local serve)"));
    }

    /** Removes the file if it still describes {@code state} (not a stack started since). */
    public void removeIfOwnedBy(LocalState state) {
        try {
            if (Files.isRegularFile(path)
                    && Json.MAPPER.readValue(path.toFile(), LocalState.class).equals(state)) {
                Files.deleteIfExists(path);
            }
        } catch (IOException ignored) {
            // a file we cannot read is not ours to delete
        }
    }
}
