package dev.r1serve.reward.verify;

/** What kind of answer a benchmark expects. */
public enum AnswerType {
    /** Free-form math (MATH-500, AIME, AMC): LaTeX and numbers, symbolic equivalence. */
    MATH,
    /** Multiple choice: a letter (A..D, or more for MMLU-Pro). */
    CHOICE,
    /** GSM8K: the gold follows "#### ", predictions are numbers. */
    GSM8K
}
