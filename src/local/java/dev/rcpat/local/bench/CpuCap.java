package dev.rcpat.local.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Holds child processes to a share of one CPU through a Linux cgroup CPU quota (cgroup v2
 * {@code cpu.max}, or v1 {@code cpu.cfs_quota_us}): how Lambda gives a function CPU in proportion
 * to its memory size. Needs write access to the cgroup file system (root, here); where there is
 * none, {@link #create} says why and the caller runs without a cap.
 */
final class CpuCap implements AutoCloseable {

    /** CFS period; the quota is this times the share. Lambda's own period is not published. */
    static final long PERIOD_MICROS = 100_000;

    private static final Path V2_ROOT = Path.of("/sys/fs/cgroup");
    private static final Path V1_CPU = Path.of("/sys/fs/cgroup/cpu");

    private final Path group;

    private CpuCap(Path group) {
        this.group = group;
    }

    /** A cgroup named {@code name} whose processes together get {@code cpus} CPUs' time, or why there is none. */
    static Result create(String name, double cpus) {
        long quota = Math.round(cpus * PERIOD_MICROS);
        try {
            if (Files.isRegularFile(V2_ROOT.resolve("cgroup.controllers"))
                    && Files.readString(V2_ROOT.resolve("cgroup.controllers")).contains("cpu")) {
                Path group = V2_ROOT.resolve(name);
                Files.writeString(V2_ROOT.resolve("cgroup.subtree_control"), "+cpu");
                Files.createDirectories(group);
                Files.writeString(group.resolve("cpu.max"), quota + " " + PERIOD_MICROS);
                return probed(new CpuCap(group));
            }
            if (Files.isRegularFile(V1_CPU.resolve("cpu.cfs_quota_us"))) {
                Path group = V1_CPU.resolve(name);
                Files.createDirectories(group);
                Files.writeString(group.resolve("cpu.cfs_period_us"), String.valueOf(PERIOD_MICROS));
                Files.writeString(group.resolve("cpu.cfs_quota_us"), String.valueOf(quota));
                return probed(new CpuCap(group));
            }
            return new Result(Optional.empty(), "no cgroup CPU controller under " + V2_ROOT);
        } catch (IOException | RuntimeException e) {
            return new Result(Optional.empty(), "cannot set a cgroup CPU quota (" + e.getMessage() + "; it needs root)");
        }
    }

    /** The cap, if a process can move itself into its group (a container may forbid it). */
    private static Result probed(CpuCap cap) throws IOException {
        try {
            Process probe = new ProcessBuilder(cap.wrap(List.of("/bin/true"))).redirectErrorStream(true).start();
            String said = new String(probe.getInputStream().readAllBytes()).strip();
            if (probe.waitFor() == 0) {
                return new Result(Optional.of(cap), "");
            }
            cap.close();
            return new Result(Optional.empty(), "a process cannot join the cgroup " + cap.group + " (" + said + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cap.close();
            return new Result(Optional.empty(), "interrupted");
        }
    }

    record Result(Optional<CpuCap> cap, String whyNot) { }

    /** {@code command} started inside the group: a shell moves itself in, then becomes the command. */
    List<String> wrap(List<String> command) {
        List<String> wrapped = new ArrayList<>(List.of("/bin/sh", "-c",
                "echo $$ > '" + group.resolve("cgroup.procs") + "' && exec \"$@\"", "sh"));
        wrapped.addAll(command);
        return wrapped;
    }

    /** Removes the group; its processes have exited by then. */
    @Override
    public void close() {
        try {
            Files.deleteIfExists(group);
        } catch (IOException stillInUse) {
            // a child still running: the empty group stays until the next boot, harmless
        }
    }
}
