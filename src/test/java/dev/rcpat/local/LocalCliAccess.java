package dev.rcpat.local;

/** What tests in other packages need of {@link LocalCli}'s package-private choices. */
public final class LocalCliAccess {

    private LocalCliAccess() { }

    public static int importParallelism() {
        return LocalCli.IMPORT_PARALLELISM;
    }
}
