package dev.r1serve.reward.verify.extract;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Alternatives offered after the stated answer: "\boxed{5} (or possibly 6)", "The answer is
 * either 5 or 6", "Answer: A. Or B.", "A, but B is also possible". An answer that keeps a second
 * value open is a hedge and is wrong whatever its first value, so that a policy cannot collect
 * the reward by naming several values around one answer statement.
 */
public final class Hedges {
    private Hedges() {}

    /** Statements of the answer; the alternatives are looked for after the last one. */
    private static final Pattern STATEMENT = Pattern.compile(
            "(?i)final answer(?:\\s+is)?\\s*:?|answer\\s*(?:is|:)|réponse\\s*(?:est|:)|respuesta\\s*(?:es|:)|答案\\s*[是为:：]?");

    /** A word that offers another value. */
    private static final Pattern ALTERNATIVE = Pattern.compile(
            "(?i)(?<![A-Za-z])(?:or|alternatively|possibly|perhaps|maybe|could also be|might (?:also )?be|(?:is|are) also (?:possible|correct|valid|an answer))(?![A-Za-z])");

    /** How far after the statement alternatives count (the rest of the final sentence or two). */
    private static final int WINDOW = 160;

    /**
     * The alternative offered after the last answer statement, or null.
     *
     * @param choiceLetters when above 0, letters A.. of that many choices count as values too
     */
    public static String alternative(String text, int choiceLetters) {
        if (!mayOfferAlternative(text)) return null;
        int from = -1;
        Matcher st = STATEMENT.matcher(text);
        while (st.find()) from = st.end();
        var boxes = Spans.boxes(text);
        if (!boxes.isEmpty()) from = Math.max(from, boxes.get(boxes.size() - 1).end());
        if (boxes.size() >= 2) {
            // "\boxed{5}, or maybe \boxed{6}": the last box is offered as an alternative to the one before.
            var prev = boxes.get(boxes.size() - 2);
            var last = boxes.get(boxes.size() - 1);
            String gap = text.substring(prev.end(), Math.max(prev.end(), last.start()));
            Matcher g = ALTERNATIVE.matcher(gap);
            if (gap.length() <= 40 && g.find() && !NumberExtraction.negated(gap, g.start())) return gap.strip();
        }
        if (from < 0) return null;
        String region = text.substring(from, Math.min(text.length(), from + WINDOW));
        Matcher alt = ALTERNATIVE.matcher(region);
        if (!alt.find()) return null;
        alt.reset();
        String value = value(choiceLetters);
        Pattern next = NEXT[Math.min(choiceLetters, 26)];
        while (alt.find()) {
            // "it can't be A or B" rules values out; it offers none.
            if (NumberExtraction.negated(region, alt.start()) || negatedClause(region, alt.start())) continue;
            Matcher v = next.matcher(region.substring(alt.end()));
            if (v.find())
                return region.substring(alt.start(), Math.min(region.length(), alt.end() + v.end() + 12))
                        .strip();
            // "5, but 6 is also possible": the value comes right before the phrase.
            if (alt.group().toLowerCase(java.util.Locale.ROOT).contains("also")
                    && Pattern.compile(value + "\\s*$")
                            .matcher(region.substring(Math.max(0, alt.start() - 12), alt.start())
                                    .strip())
                            .find()) {
                return region.substring(Math.max(0, alt.start() - 12), alt.end())
                        .strip();
            }
        }
        return null;
    }

    /** Every alternative word contains one of these; most answers have none and skip the scans. */
    private static final String[] HINTS = {"or", "maybe", "possibly", "perhaps", "alternatively", "might", "also"};

    private static boolean mayOfferAlternative(String text) {
        String low = text.toLowerCase(java.util.Locale.ROOT);
        for (String h : HINTS) if (low.contains(h)) return true;
        return false;
    }

    private static String value(int choiceLetters) {
        return choiceLetters > 0
                ? "\\(?[A-" + (char) ('A' + choiceLetters - 1) + "]\\)?(?![A-Za-z0-9'’])"
                : "(?:-?\\d|\\$|\\\\boxed|\\\\\\(|\\\\frac|\\\\sqrt)";
    }

    /** What may follow an alternative word before its value, per number of choice letters (0: math). */
    private static final Pattern[] NEXT = new Pattern[27];

    static {
        for (int n = 0; n <= 26; n++) {
            NEXT[n] = Pattern.compile(
                    "^[\\s,:;*(\"'`]*(?:(?:it|that)\\s+(?:is|could be|might be)\\s+|the answer is\\s+|even\\s+)?("
                            + value(n) + ")");
        }
    }

    private static final Pattern NEGATED_CLAUSE =
            Pattern.compile("(?i)(?:(?<![A-Za-z])(?:not|cannot|never|neither|nor)|n't)(?![A-Za-z])[^.;!?\\n]*$");

    private static boolean negatedClause(String region, int at) {
        return NEGATED_CLAUSE
                .matcher(region.substring(Math.max(0, at - 40), at))
                .find();
    }
}
