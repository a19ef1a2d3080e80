package dev.r1serve.reward.sandbox;

/**
 * What one sandboxed run did.
 *
 * @param status the outcome class
 * @param exitCode the program's exit code (128 + signal when killed by one), -1 if unknown (killed by us)
 * @param signal the terminating signal, 0 if none
 * @param stdout captured standard output (at most the output cap)
 * @param stderr captured standard error (at most the output cap)
 * @param cpuMillis user + system CPU time of the program and its children, -1 when unknown (killed)
 * @param wallMillis wall-clock time of the whole sandbox
 * @param outputTruncated whether output beyond the cap was discarded
 * @param detail why the status was chosen
 */
public record RunResult(
        RunStatus status,
        int exitCode,
        int signal,
        String stdout,
        String stderr,
        long cpuMillis,
        long wallMillis,
        boolean outputTruncated,
        String detail) {}
