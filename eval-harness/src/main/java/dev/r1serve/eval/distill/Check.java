package dev.r1serve.eval.distill;

/**
 * A correctness verdict and why.
 *
 * @param correct the verdict; null when the task has nothing to check
 * @param detail the extracted answer and reference, test outcomes or the judge's reply
 */
public record Check(Boolean correct, String detail) {}
