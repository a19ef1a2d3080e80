package dev.r1serve.eval.benchmark;

/** Which verifier grades a benchmark's answers. */
public enum GraderKind {
    /** Free-form math: LaTeX and numbers, symbolic equivalence (MATH-500, AIME, AMC). */
    MATH,
    /** GSM8K: a number; golds end in "#### N". */
    GSM8K,
    /** Multiple choice, answered with a letter. */
    CHOICE,
    /** Code: the answer's last fenced block runs against the question's tests in the reward sandbox. */
    CODE,
    /** IFEval: the answer is checked against the prompt's verifiable instructions; correct = all followed (strict). */
    IFEVAL
}
