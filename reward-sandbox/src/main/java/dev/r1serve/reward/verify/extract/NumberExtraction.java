package dev.r1serve.reward.verify.extract;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plain-text numbers: "7,425,000", "7 425 000", "$1,000.99", ".4", "10/9", "2.5e-3", "28%",
 * "28 percent". Separator rules: a comma followed by exactly three digits (and more groups of
 * three) is a thousands separator; a space separates thousands only between groups of exactly
 * three digits. A comma before one, two or four and more digits is a decimal comma only under the
 * {@code decimalComma} locale option ("1000,99"); by default it separates list items ("1,22" is
 * 1 then 22). Numbers right after a negation ("not 5", "isn't 5") are not answers.
 */
public final class NumberExtraction {
    private NumberExtraction() {}

    private static final String TAIL = "(?:[eE]([-+]?\\d{1,3}))?"
            + "(?:\\s?/\\s?(\\d+(?:\\.\\d+)?))?"
            + "(\\s?%|\\s*(?:percent(?:age)?|per cent|pct)(?![A-Za-z]))?";

    /** The number pattern with decimal points only (see class doc); groups are private to {@link #normalize}. */
    public static final Pattern NUMBER = Pattern.compile("(?<![A-Za-z\\d.])(-\\s?)?"
            + "(\\d{1,3}(?:,\\d{3})+(?![\\d])(?:\\.\\d+)?|\\d{1,3}(?: \\d{3})+(?![\\d,])(?:\\.\\d+)?|\\d+(?:\\.\\d+)?|\\.\\d+)"
            + TAIL);

    /** As {@link #NUMBER}, also reading decimal commas (the {@code decimalComma} locale option). */
    public static final Pattern NUMBER_DECIMAL_COMMA = Pattern.compile("(?<![A-Za-z\\d.,])(-\\s?)?"
            + "(\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?|\\d{1,3}(?: \\d{3})+(?![\\d,])(?:[.,]\\d+)?|\\d+(?:[.,]\\d+)?|\\.\\d+)"
            + TAIL);

    private static final Pattern ANSWER_IS =
            Pattern.compile("(?i)(?:answer|réponse|respuesta|antwort|答案)\\s*(?:is|est|es|ist|:|：|=)?\\s*:?");

    private static final Pattern ARITHMETIC =
            Pattern.compile("\\s*\\(?([\\d\\s+\\-*/=.]+?)\\)?\\s*(?:\\.\\s|\\.?$|\\n)");

    /** What joins the items of a plain list: "19, 46, and 82", "3 and 4", "1; 2". */
    private static final Pattern LIST_SEPARATOR = Pattern.compile("\\s*(?:[,;]\\s*(?:and\\s+|&\\s*)?|and\\s+|&\\s*)");

    /** A negation right before a position: "not 5", "isn't 5", "cannot be 5", "≠ 5". */
    private static final Pattern NEGATED = Pattern.compile(
            "(?i)(?:(?<![A-Za-z])not|n't|(?<![A-Za-z])never|(?<![A-Za-z])cannot|≠|\\\\neq?)(?:\\s+(?:be|equal(?:s)?(?:\\s+to)?|the\\s+answer))?[\\s$(*:]*$");

    public static Pattern pattern(boolean decimalComma) {
        return decimalComma ? NUMBER_DECIMAL_COMMA : NUMBER;
    }

    /** The last number of the text that is not negated, normalized to a parseable string. */
    public static Optional<String> last(String text, boolean decimalComma) {
        List<MatchResult> all = matches(text, decimalComma);
        for (int k = all.size() - 1; k >= 0; k--) {
            if (!negated(text, all.get(k).start())) return Optional.of(normalize(all.get(k)));
        }
        return Optional.empty();
    }

    /**
     * The last number with the numbers listed right before it ("19, 46, and 82" is the list, not 82):
     * a plain-text list answer is compared whole, so two lists that share only their last item differ.
     */
    public static Optional<String> lastList(String text, boolean decimalComma) {
        List<MatchResult> all = matches(text, decimalComma);
        int k = all.size() - 1;
        while (k >= 0 && negated(text, all.get(k).start())) k--;
        if (k < 0) return Optional.empty();
        List<String> list = new ArrayList<>();
        list.add(normalize(all.get(k)));
        while (k > 0
                && LIST_SEPARATOR
                        .matcher(text.substring(all.get(k - 1).end(), all.get(k).start()))
                        .matches()
                && !negated(text, all.get(k - 1).start())) {
            list.add(0, normalize(all.get(--k)));
        }
        return Optional.of(String.join(", ", list));
    }

    private static List<MatchResult> matches(String text, boolean decimalComma) {
        Matcher m = pattern(decimalComma).matcher(text);
        List<MatchResult> out = new ArrayList<>();
        while (m.find()) out.add(m.toMatchResult());
        return out;
    }

    /** End offset of the last number in the text, or -1. */
    public static int lastEnd(String text) {
        Matcher m = NUMBER.matcher(text);
        int end = -1;
        while (m.find()) end = m.end();
        return end;
    }

    /** Whether the text right before {@code at} negates what follows ("the answer is not 5"). */
    public static boolean negated(String text, int at) {
        String before = text.substring(Math.max(0, at - 30), at);
        String low = before.toLowerCase(java.util.Locale.ROOT);
        if (!low.contains("not")
                && !low.contains("n't")
                && !low.contains("never")
                && !low.contains("≠")
                && !low.contains("\\ne")) return false;
        return NEGATED.matcher(before).find();
    }

    /**
     * The number (or plain list of numbers) within a short window after the last "answer is" /
     * "answer:"; nothing when the statement is negated ("the answer is not 5").
     */
    public static Optional<String> afterAnswerIs(String text, boolean decimalComma) {
        Matcher a = ANSWER_IS.matcher(text);
        int at = -1;
        while (a.find()) at = a.end();
        if (at < 0) return Optional.empty();
        String window = text.substring(at, Math.min(text.length(), at + 60));
        // "answer is (35 + 70 = 105)": a short arithmetic statement is kept whole for the parser.
        Matcher arith = ARITHMETIC.matcher(window);
        if (arith.lookingAt() && arith.group(1).matches(".*\\d.*[-+*/=].*\\d.*"))
            return Optional.of(arith.group(1).strip());
        Matcher m = pattern(decimalComma).matcher(window);
        if (!m.find() || negated(window, m.start())) return Optional.empty();
        List<String> list = new ArrayList<>();
        list.add(normalize(m));
        int end = m.end();
        while (m.find()
                && LIST_SEPARATOR.matcher(window.substring(end, m.start())).matches()) {
            list.add(normalize(m));
            end = m.end();
        }
        return Optional.of(String.join(", ", list));
    }

    /** Normalizes a match of {@link #NUMBER} or {@link #NUMBER_DECIMAL_COMMA} to a parseable number string. */
    public static String normalize(MatchResult m) {
        String sign = m.group(1) == null ? "" : "-";
        String body = m.group(2);
        if (body.contains(" ")) body = body.replace(" ", "");
        if (body.contains(",") && body.contains(".")) body = body.replace(",", "");
        else if (body.contains(",")) {
            String[] parts = body.split(",");
            boolean thousands = parts.length > 1 && parts[0].length() <= 3;
            for (int i = 1; i < parts.length; i++) thousands &= parts[i].length() == 3;
            body = thousands ? body.replace(",", "") : body.replace(',', '.');
        }
        if (body.startsWith(".")) body = "0" + body;
        StringBuilder sb = new StringBuilder(sign).append(body);
        if (m.group(3) != null) sb.append("e").append(m.group(3));
        if (m.group(4) != null) sb.append("/").append(m.group(4));
        if (m.group(5) != null) sb.append("%");
        return sb.toString();
    }
}
