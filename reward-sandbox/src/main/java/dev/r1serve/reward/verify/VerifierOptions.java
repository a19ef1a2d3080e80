package dev.r1serve.reward.verify;

/**
 * Options of a {@link Verifier}. Create with {@link #math()}, {@link #choice(int)} or
 * {@link #gsm8k()} and adjust with the {@code with*} methods.
 *
 * @param type answer kind
 * @param latex extract LaTeX answers (boxes, math environments, bare LaTeX)
 * @param expr extract plain-text numbers ("answer is 5", and the last number if {@code lastNumberFallback})
 * @param nChoices number of choices for {@link AnswerType#CHOICE} (4 = A..D, 10 = A..J)
 * @param lastNumberFallback when nothing better is found, take the last number of the text
 * @param precision decimal places used when either side is written as a decimal: both values are
 *     rounded to this many places before comparison (Math-Verify's {@code float_rounding})
 * @param relTolerance relative tolerance for exact-value comparison of numbers
 * @param strict when true, a bare list {@code 1, 2} does not match a tuple {@code (1,2)} and an
 *     assignment {@code x = 3} does not match {@code 3}; intervals, sets and tuples never mix either way
 * @param timeoutMillis hard deadline of one CAS comparison (exceeding it means "not equivalent")
 * @param useCas allow the Symja CAS for symbolic comparisons (numeric sampling alone otherwise)
 */
public record VerifierOptions(
    AnswerType type,
    boolean latex,
    boolean expr,
    int nChoices,
    boolean lastNumberFallback,
    int precision,
    double relTolerance,
    boolean strict,
    long timeoutMillis,
    boolean useCas) {

  public VerifierOptions {
    if (nChoices < 0 || nChoices > 26) throw new IllegalArgumentException("nChoices must be 0..26");
    if (precision < 0 || precision > 15) throw new IllegalArgumentException("precision must be 0..15");
    if (timeoutMillis <= 0) throw new IllegalArgumentException("timeoutMillis must be positive");
  }

  /** MATH-500/AIME defaults: LaTeX + numbers, last-number fallback on, 6 decimals, 2 s CAS deadline. */
  public static VerifierOptions math() {
    return new VerifierOptions(AnswerType.MATH, true, true, 0, true, 6, 1e-9, false, 2000, true);
  }

  /** Multiple choice with {@code n} options (A.. the n-th letter). */
  public static VerifierOptions choice(int n) {
    if (n < 2) throw new IllegalArgumentException("need at least 2 choices");
    return new VerifierOptions(AnswerType.CHOICE, false, false, n, false, 6, 1e-9, false, 2000, false);
  }

  /** GSM8K: numbers only, last-number fallback on. */
  public static VerifierOptions gsm8k() {
    return new VerifierOptions(AnswerType.GSM8K, true, true, 0, true, 6, 1e-9, false, 2000, false);
  }

  public VerifierOptions withLatex(boolean v) { return new VerifierOptions(type, v, expr, nChoices, lastNumberFallback, precision, relTolerance, strict, timeoutMillis, useCas); }
  public VerifierOptions withExpr(boolean v) { return new VerifierOptions(type, latex, v, nChoices, lastNumberFallback, precision, relTolerance, strict, timeoutMillis, useCas); }
  public VerifierOptions withLastNumberFallback(boolean v) { return new VerifierOptions(type, latex, expr, nChoices, v, precision, relTolerance, strict, timeoutMillis, useCas); }
  public VerifierOptions withPrecision(int v) { return new VerifierOptions(type, latex, expr, nChoices, lastNumberFallback, v, relTolerance, strict, timeoutMillis, useCas); }
  public VerifierOptions withRelTolerance(double v) { return new VerifierOptions(type, latex, expr, nChoices, lastNumberFallback, precision, v, strict, timeoutMillis, useCas); }
  public VerifierOptions withStrict(boolean v) { return new VerifierOptions(type, latex, expr, nChoices, lastNumberFallback, precision, relTolerance, v, timeoutMillis, useCas); }
  public VerifierOptions withTimeoutMillis(long v) { return new VerifierOptions(type, latex, expr, nChoices, lastNumberFallback, precision, relTolerance, strict, v, useCas); }
  public VerifierOptions withUseCas(boolean v) { return new VerifierOptions(type, latex, expr, nChoices, lastNumberFallback, precision, relTolerance, strict, timeoutMillis, v); }
}
