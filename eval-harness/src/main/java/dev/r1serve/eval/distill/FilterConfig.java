package dev.r1serve.eval.distill;

/**
 * The thresholds of the rejection filters (see {@link Filters}), recorded in {@code run.json}.
 *
 * @param minLanguageConsistency reject reasoning whose share of target-language words is below this (0 turns it off)
 * @param maxParagraphChars reject reasoning with a paragraph longer than this many characters (0 turns it off)
 * @param rejectCodeInReasoning reject fenced code blocks in the reasoning of non-code tasks
 * @param rejectEmptyReasoning reject reasoning tasks answered without reasoning
 * @param deduplicate keep one of responses whose normalized text is the same
 */
public record FilterConfig(
        double minLanguageConsistency,
        int maxParagraphChars,
        boolean rejectCodeInReasoning,
        boolean rejectEmptyReasoning,
        boolean deduplicate) {

    /** Defaults: 0.95 target-language words, paragraphs up to 3,000 characters, code, empty reasoning and duplicates rejected. */
    public static final FilterConfig DEFAULT = new FilterConfig(0.95, 3000, true, true, true);

    public FilterConfig {
        if (minLanguageConsistency < 0 || minLanguageConsistency > 1) {
            throw new IllegalArgumentException(
                    "--min-language-consistency must be in [0, 1], got " + minLanguageConsistency);
        }
        if (maxParagraphChars < 0)
            throw new IllegalArgumentException("--max-paragraph-chars must be >= 0, got " + maxParagraphChars);
    }
}
