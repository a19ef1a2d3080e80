package dev.r1serve.eval.distill;

import dev.r1serve.eval.grading.TaskKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The rejection filters of the DeepSeek-R1 distillation data (paper sec. 2.3.3), applied to one response in this
 * order; the first that fails is the response's reason, all that fail are reported.
 * <ol>
 *   <li>{@code error}: the generation failed (server error, cancelled, prompt longer than the context);</li>
 *   <li>{@code truncated}: no {@code </think>}, or the token budget ran out ({@code length}): no complete answer;</li>
 *   <li>{@code empty_reasoning}: a reasoning task answered with an empty think block;</li>
 *   <li>{@code incorrect}: the answer fails the task's check (verifier, code tests in the sandbox, judge model);</li>
 *   <li>{@code language_mixing}: the reasoning's share of target-language words (the reward sandbox's language
 *       consistency: Han characters for zh, Latin-script words for en; code and math left out) is below the
 *       threshold;</li>
 *   <li>{@code long_paragraph}: a paragraph of the reasoning (text between blank lines) is longer than the limit;</li>
 *   <li>{@code code_in_reasoning}: a fenced code block in the reasoning of a task other than code.</li>
 * </ol>
 * Then, across responses ({@link Selection}): {@code duplicate} (same normalized text as a response kept before it)
 * and {@code surplus} (with {@code --keep-per-prompt best}, a passing response that was not the prompt's best).
 */
public final class Filters {

    public static final String ERROR = "error",
            TRUNCATED = "truncated",
            EMPTY_REASONING = "empty_reasoning",
            INCORRECT = "incorrect",
            LANGUAGE_MIXING = "language_mixing",
            LONG_PARAGRAPH = "long_paragraph",
            CODE_IN_REASONING = "code_in_reasoning",
            DUPLICATE = "duplicate",
            SURPLUS = "surplus";

    /** Every reason, in report order. */
    public static final List<String> ALL = List.of(
            ERROR,
            TRUNCATED,
            EMPTY_REASONING,
            INCORRECT,
            LANGUAGE_MIXING,
            LONG_PARAGRAPH,
            CODE_IN_REASONING,
            DUPLICATE,
            SURPLUS);

    private static final Pattern PARAGRAPH_BREAK = Pattern.compile("\\n\\s*\\n");

    private Filters() {}

    /** One failed filter and why. */
    public record Failure(String filter, String detail) {}

    /** The per-response filters that {@code r} fails, in order (empty: it passes). */
    public static List<Failure> apply(FilterConfig c, DistillPrompt p, DistillRecord r) {
        List<Failure> out = new ArrayList<>();
        if (r.failed()) {
            out.add(new Failure(ERROR, r.finishReason() + (r.error() == null ? "" : ": " + r.error())));
            return out; // nothing else is meaningful
        }
        if (r.finishReason().equals("length") || !r.text().contains("</think>")) {
            out.add(new Failure(TRUNCATED, r.finishReason().equals("length") ? "token budget ran out" : "no </think>"));
        }
        if (c.rejectEmptyReasoning() && p.task().reasoning() && r.reasoning().isBlank()) {
            out.add(new Failure(EMPTY_REASONING, "empty think block"));
        }
        if (Boolean.FALSE.equals(r.correct())) out.add(new Failure(INCORRECT, r.check()));
        if (c.minLanguageConsistency() > 0 && r.languageConsistency() < c.minLanguageConsistency()) {
            out.add(new Failure(
                    LANGUAGE_MIXING,
                    String.format(
                            Locale.ROOT,
                            "%.2f of the words in %s, below %.2f",
                            r.languageConsistency(),
                            p.targetLanguage(),
                            c.minLanguageConsistency())));
        }
        if (c.maxParagraphChars() > 0 && r.longestParagraph() > c.maxParagraphChars()) {
            out.add(new Failure(
                    LONG_PARAGRAPH,
                    "a paragraph of " + r.longestParagraph() + " characters, over " + c.maxParagraphChars()));
        }
        if (c.rejectCodeInReasoning() && p.task() != TaskKind.CODE && r.codeInReasoning()) {
            out.add(new Failure(CODE_IN_REASONING, "fenced code block in the reasoning"));
        }
        return out;
    }

    /** Characters of the longest paragraph (text between blank lines). */
    public static int longestParagraph(String text) {
        int max = 0;
        for (String para : PARAGRAPH_BREAK.split(text))
            max = Math.max(max, para.strip().length());
        return max;
    }

    /** Whether the text holds a fenced code block. */
    public static boolean hasCodeBlock(String text) {
        return text.contains("```");
    }
}
