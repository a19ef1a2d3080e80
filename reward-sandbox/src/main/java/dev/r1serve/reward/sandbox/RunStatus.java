package dev.r1serve.reward.sandbox;

import java.util.Locale;

/** Outcome of one sandboxed run or test. */
public enum RunStatus {
    /** Exited 0 (and, for a test, produced the expected output / passed its checks). */
    OK,
    /** Ran to completion but the output or an assertion was wrong (tests only). */
    WRONG,
    /** Over the wall-clock or CPU-time limit; killed. */
    TIMEOUT,
    /** Hit the address-space limit (MemoryError, std::bad_alloc, failed allocation). */
    MEMORY,
    /** Wrote more than the output cap; killed, the captured part kept. */
    OUTPUT_LIMIT,
    /** Non-zero exit or killed by a signal for another reason. */
    CRASH,
    /** The sandbox itself failed, or the code did not compile. */
    ERROR;

    /** The lower-case name used in JSON and metrics. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
