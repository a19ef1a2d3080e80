package dev.r1serve.eval.benchmark;

import dev.r1serve.reward.sandbox.CodeTest;
import java.util.List;
import java.util.Map;

/**
 * One benchmark question as loaded from its data file.
 *
 * @param id stable identifier (from the data, or the 1-based line number when the data has none); samples are
 *     recorded under it, so resumption and comparisons match questions by id
 * @param problem the question text as it goes into the prompt
 * @param gold the gold answer in the grader's terms (LaTeX for math, a "#### N" rationale or number for GSM8K,
 *     a letter for multiple choice in the order of {@code choices})
 * @param choices option texts for multiple-choice questions in their canonical order, else empty
 * @param attributes descriptive fields used for breakdowns (e.g. {@code level}, {@code subject})
 * @param tests code questions: the tests a program must pass (then {@code gold} is the function stub or
 *     starter code the answer completes); empty otherwise
 */
public record Question(
        String id,
        String problem,
        String gold,
        List<String> choices,
        Map<String, String> attributes,
        List<CodeTest> tests) {

    public Question {
        choices = List.copyOf(choices);
        attributes = Map.copyOf(attributes);
        tests = List.copyOf(tests);
    }

    /** A question without code tests. */
    public Question(String id, String problem, String gold, List<String> choices, Map<String, String> attributes) {
        this(id, problem, gold, choices, attributes, List.of());
    }
}
