package dev.r1serve.eval.benchmark;

import java.util.List;

/**
 * Where a JSONL benchmark keeps its fields.
 *
 * @param id field holding a question id, or null to use the 1-based line number
 * @param problem field holding the question text
 * @param answer field holding the gold answer (string or number)
 * @param choices field holding an array of option texts, or null for free-form questions
 * @param answerIsIndex the answer is a 0-based option index (MMLU), converted to a letter
 * @param attributes fields copied into {@link Question#attributes()} when present (for breakdowns)
 */
public record FieldMap(
        String id, String problem, String answer, String choices, boolean answerIsIndex, List<String> attributes) {

    public FieldMap {
        attributes = List.copyOf(attributes);
    }

    /** A free-form question/answer mapping without attributes. */
    public static FieldMap of(String id, String problem, String answer) {
        return new FieldMap(id, problem, answer, null, false, List.of());
    }
}
