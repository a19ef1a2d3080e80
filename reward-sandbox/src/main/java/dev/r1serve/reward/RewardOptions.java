package dev.r1serve.reward;

import dev.r1serve.reward.sandbox.Limits;

/**
 * Server-side reward options (the per-rollout weights come with each rollout).
 *
 * @param formatPartialCredit 0.25 per correctly used tag instead of all-or-nothing (see {@link FormatReward})
 * @param lengthPenalty the overlong penalty, or {@code null} for none (then no "length" reward is reported)
 * @param codeLimits limits of each sandboxed test run
 * @param codePartialCredit accuracy = share of tests passed instead of 1 only when all pass (R1: all-or-nothing)
 */
public record RewardOptions(
        boolean formatPartialCredit, LengthPenalty lengthPenalty, Limits codeLimits, boolean codePartialCredit) {

    public static final RewardOptions DEFAULT = new RewardOptions(false, null, Limits.DEFAULT, false);

    public RewardOptions {
        if (codeLimits == null) throw new IllegalArgumentException("codeLimits is required");
    }
}
