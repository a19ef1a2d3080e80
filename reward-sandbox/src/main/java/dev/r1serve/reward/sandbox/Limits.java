package dev.r1serve.reward.sandbox;

/**
 * Resource limits of one run. CPU time, address space, processes, file size and open files are rlimits set
 * inside the sandbox before the program runs (see {@link Sandbox}); wall time and output are enforced from outside.
 *
 * @param wallMillis wall-clock limit; the whole sandbox is killed when it passes
 * @param cpuSeconds RLIMIT_CPU (SIGXCPU, then kill)
 * @param memoryBytes the run's memory: RLIMIT_AS (address space) plus its writable tmpfs storage, see {@link #storageBytes}
 * @param processes RLIMIT_NPROC (processes and threads of the sandbox user)
 * @param fileBytes RLIMIT_FSIZE (largest file written, in the private tmpfs)
 * @param openFiles RLIMIT_NOFILE
 * @param outputBytes stdout and stderr captured each; beyond, the run is killed and flagged output_limit
 */
public record Limits(
        long wallMillis,
        int cpuSeconds,
        long memoryBytes,
        int processes,
        long fileBytes,
        int openFiles,
        int outputBytes) {

    public static final Limits DEFAULT = new Limits(5_000, 4, 512L << 20, 32, 16L << 20, 64, 1 << 20);

    public Limits {
        if (wallMillis <= 0
                || cpuSeconds <= 0
                || memoryBytes <= 0
                || processes <= 0
                || fileBytes <= 0
                || openFiles <= 0
                || outputBytes <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    /**
     * The writable storage of a run (its tmpfs mounts {@code /work}, {@code /tmp} and {@code /dev/shm} together):
     * a quarter of {@link #memoryBytes}. tmpfs pages live in memory but are not counted by RLIMIT_AS, so they come
     * out of the run's memory budget: address space plus storage never exceed {@code memoryBytes}.
     */
    public long storageBytes() {
        return memoryBytes / 4;
    }

    /** RLIMIT_AS: the memory budget less the writable storage. */
    public long addressSpaceBytes() {
        return memoryBytes - storageBytes();
    }

    public Limits withWallMillis(long ms) {
        return new Limits(
                ms,
                (int) Math.max(1, Math.min(cpuSeconds, (ms + 999) / 1000)),
                memoryBytes,
                processes,
                fileBytes,
                openFiles,
                outputBytes);
    }

    public Limits withMemoryBytes(long bytes) {
        return new Limits(wallMillis, cpuSeconds, bytes, processes, fileBytes, openFiles, outputBytes);
    }
}
