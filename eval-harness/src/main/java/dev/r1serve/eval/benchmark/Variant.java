package dev.r1serve.eval.benchmark;

import dev.r1serve.reward.sandbox.CodeTest;
import java.util.List;

/**
 * What one sample of a question is actually asked and graded against. For most benchmarks every sample of a
 * question sees the same variant; GPQA shuffles the options per sample, so the displayed letters differ and
 * {@link #canonicalLetter(String)} maps a displayed letter back to the question's own order (so votes from
 * differently shuffled samples agree).
 *
 * @param prompt the user message (or raw prompt for models without a chat template)
 * @param gold the gold answer for this variant (a displayed letter for choice questions)
 * @param choices the option texts in displayed order, empty for free-form questions
 * @param order {@code order[displayed] = canonical index}; identity or empty when nothing was shuffled
 * @param tests code questions: the tests the answer's program must pass ({@code gold} is then the stub it completes)
 */
public record Variant(String prompt, String gold, List<String> choices, int[] order, List<CodeTest> tests) {

    public Variant {
        choices = List.copyOf(choices);
        order = order.clone();
        tests = List.copyOf(tests);
    }

    public Variant(String prompt, String gold, List<String> choices, int[] order) {
        this(prompt, gold, choices, order, List.of());
    }

    /** The canonical letter of a displayed letter; other answers (free-form, out of range) are returned as is. */
    public String canonicalLetter(String displayed) {
        if (displayed == null || order.length == 0) return displayed;
        String s = displayed.strip();
        if (s.length() != 1) return displayed;
        int i = Character.toUpperCase(s.charAt(0)) - 'A';
        if (i < 0 || i >= order.length) return displayed;
        return String.valueOf((char) ('A' + order[i]));
    }

    @Override
    public int[] order() {
        return order.clone();
    }
}
