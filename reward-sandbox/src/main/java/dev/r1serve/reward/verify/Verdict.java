package dev.r1serve.reward.verify;

/**
 * The result of one verification, with everything needed to audit it.
 *
 * @param equivalent whether the prediction matches the gold answer
 * @param goldExtracted the answer taken from the gold text
 * @param predExtracted the answer taken from the model output ({@code null} when none was found)
 * @param goldNormalized canonical form of the gold answer that was compared
 * @param predNormalized canonical form of the predicted answer that was compared
 * @param rule the rule that decided (e.g. "string", "numeric", "sampling", "cas", "set", "no-answer")
 * @param reason human-readable explanation
 * @param usedCas whether the Symja CAS was consulted
 */
public record Verdict(
        boolean equivalent,
        String goldExtracted,
        String predExtracted,
        String goldNormalized,
        String predNormalized,
        String rule,
        String reason,
        boolean usedCas) {}
