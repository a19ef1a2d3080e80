package dev.r1serve.eval.metrics;

import java.util.Map;

/**
 * One question's outcome over its k samples.
 *
 * @param correct correct samples among {@code n}
 * @param consensus the majority vote
 */
public record QuestionResult(
        String id, int n, int correct, Consensus.Result consensus, Map<String, String> attributes) {

    /** Mean correctness over the samples (this question's pass@1). */
    public double pass1() {
        return (double) correct / n;
    }
}
