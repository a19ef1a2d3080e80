package dev.r1serve.eval.grading;

/**
 * The grade of one sample.
 *
 * @param extracted the answer found in the sample's answer section, in the displayed option letters for choice
 *     questions; null when there was none (truncated reasoning, nothing parseable)
 * @param vote what the sample votes for in cons@k: the extracted answer mapped to the question's canonical
 *     option order (equal to {@code extracted} unless options were shuffled); null when it does not vote
 * @param correct whether the answer is equivalent to the gold
 * @param rule the verifier rule that decided (e.g. "numeric", "truncated", "no-answer")
 */
public record Grade(String extracted, String vote, boolean correct, String rule) {}
