/**
 * Answer verification for math, multiple-choice and GSM8K benchmarks, used in-process by the eval
 * harness and the reward service (no gRPC here).
 *
 * <p>Entry points: {@link dev.r1serve.reward.verify.Verifier} ({@code math()}, {@code choice(n)},
 * {@code gsm8k()}, {@code of(VerifierOptions)}) returning a {@link dev.r1serve.reward.verify.Verdict}
 * that records what was extracted, the normalized forms and the deciding rule; and
 * {@link dev.r1serve.reward.verify.AnswerExtractor} for extraction alone.
 *
 * <p>Pipeline: think-block handling → extraction ({@code verify.extract}) → LaTeX normalization and
 * parsing ({@code verify.normalize}) → comparison ({@code verify.internal}): string, structure,
 * numeric value, random-point sampling, and only then the Symja CAS ({@code verify.cas}) on a
 * bounded worker with a deadline. Inputs are capped in length and nesting depth before parsing.
 */
package dev.r1serve.reward.verify;
