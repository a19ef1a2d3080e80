package dev.r1serve.eval.distill;

/** How many passing responses of one prompt become SFT records. */
public enum KeepPolicy {
    /** Every response that passes the filters (duplicates removed). */
    ALL,
    /**
     * One per prompt: the passing response with the highest language consistency, then the fewest tokens, then the
     * lowest sample index; the others are reported as {@code surplus}.
     */
    BEST
}
