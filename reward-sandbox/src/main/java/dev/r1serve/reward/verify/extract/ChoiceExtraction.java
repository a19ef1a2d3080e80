package dev.r1serve.reward.verify.extract;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Multiple-choice letters (A..D, or A..J for MMLU-Pro). Priority: a self-correction after every
 * other statement ("B... no, A"), a boxed letter, the letter right after "answer is"/"answer:", a
 * bold letter {@code **C**}, a letter opening a line ("C)", "(C) text", "C. text"), the last
 * standalone capital letter of the range, and finally the choice text itself.
 *
 * <p>Hedges stay wrong: a letter listed together with others ("A or B", "A, B, C, D",
 * {@code \boxed{A, C}}) is extracted as the whole list, which matches no single gold letter; a
 * negated letter ("the answer is not A") is no answer.
 */
public final class ChoiceExtraction {
    private ChoiceExtraction() {}

    private static final String JOIN = "\\s*(?:,\\s*(?:or|and)?|/|&|;|\\?|\\bor\\b|\\band\\b|\\bnor\\b)\\s*";
    /** Letters written as options, "(A) (B)" or "**A** **B**", are listed even with only spaces between. */
    private static final String DECORATED_JOIN = "\\s+";

    public static List<Candidate> candidates(String text, int nChoices, List<String> choiceTexts) {
        char lastLetter = (char) ('A' + nChoices - 1);
        String cls = "[A-" + lastLetter + "]";
        String standalone = "(?<![A-Za-z0-9])\\(?(" + cls + ")\\)?(?![A-Za-z0-9'’])";
        Pattern letter = Pattern.compile(standalone);
        Pattern after = Pattern.compile("^(?:" + JOIN + "\\*{0,2}\\(?(" + cls + ")\\)?(?![A-Za-z0-9'’])|"
                + DECORATED_JOIN + "(?:\\((" + cls + ")\\)|\\*\\*(" + cls + ")\\*\\*))");
        Pattern before = Pattern.compile("(?:(?<![A-Za-z0-9])\\(?(" + cls + ")\\)?\\*{0,2}" + JOIN + "|(?:\\((" + cls
                + ")\\)|\\*\\*(" + cls + ")\\*\\*)" + DECORATED_JOIN + ")$");
        List<Candidate> out = new ArrayList<>();

        List<Spans.Span> boxes = Spans.boxes(text);
        Matcher ans = Pattern.compile(
                        "(?i)(?:answer\\s*(?:is|:)|réponse\\s*(?:est|:)|respuesta\\s*(?:es|:)|答案\\s*[是为:：]?)")
                .matcher(text);
        int at = -1;
        while (ans.find()) at = ans.end();

        Corrections.Correction fix = Corrections.lastLetter(text, lastLetter);
        int lastStatement =
                Math.max(at, boxes.isEmpty() ? -1 : boxes.get(boxes.size() - 1).end());
        if (fix != null && fix.start() >= lastStatement)
            out.add(new Candidate(
                    hedge(text, fix.start(), fix.start() + 1, fix.value(), after, before), "self-correction-letter"));

        List<String> boxed = Spans.lastGroup(text, boxes);
        if (!boxed.isEmpty()) {
            String content = boxed.size() > 1 ? String.join(", ", boxed) : boxed.get(0);
            content = content.replaceAll("\\\\text(?:bf)?\\{([^{}]*)\\}", "$1");
            Matcher m = letter.matcher(content);
            if (m.find())
                out.add(new Candidate(hedge(content, m.start(1), m.end(), m.group(1), after, before), "boxed-letter"));
        }
        if (at >= 0) {
            String window = text.substring(at, Math.min(text.length(), at + 40));
            Matcher m = letter.matcher(window);
            if (m.find() && !NumberExtraction.negated(window, m.start())) {
                out.add(new Candidate(
                        hedge(window, m.start(1), m.end(), m.group(1), after, before), "answer-is-letter"));
            }
        }
        addLast(
                out,
                text,
                Pattern.compile("\\*\\*\\s*\\(?(" + cls + ")\\)?[.:)]?\\s*\\*\\*"),
                "bold-letter",
                after,
                before);
        addLast(
                out,
                text,
                Pattern.compile("(?m)^[\\s>*#-]*\\(?(" + cls + ")(?![A-Za-z0-9'’])"),
                "line-start-letter",
                after,
                before);
        addLast(out, text, letter, "last-letter", after, before);
        if (choiceTexts != null) {
            int best = -1;
            String found = null;
            for (int i = 0; i < choiceTexts.size() && i < nChoices; i++) {
                String c = choiceTexts.get(i).strip();
                if (c.isEmpty()) continue;
                int p = text.lastIndexOf(c);
                if (p > best) {
                    best = p;
                    found = String.valueOf((char) ('A' + i));
                }
            }
            if (found != null) out.add(new Candidate(found, "choice-text"));
        }
        return out;
    }

    /** The last non-negated match of {@code p} (group 1 is the letter), as a candidate. */
    private static void addLast(
            List<Candidate> out, String text, Pattern p, String method, Pattern after, Pattern before) {
        Matcher m = p.matcher(text);
        int start = -1, end = -1;
        String last = null;
        while (m.find()) {
            if (NumberExtraction.negated(
                    text, m.start(1) - (m.start(1) > 0 && text.charAt(m.start(1) - 1) == '(' ? 1 : 0))) continue;
            last = m.group(1);
            start = m.start(1);
            end = m.end(1);
        }
        if (last != null) out.add(new Candidate(hedge(text, start, end, last, after, before), method));
    }

    private static String firstGroup(Matcher m) {
        for (int g = 1; g <= m.groupCount(); g++) if (m.group(g) != null) return m.group(g);
        throw new IllegalStateException("no letter group");
    }

    /**
     * The letter with every other letter listed next to it ("A or B", "A, B, C and D"): a single
     * letter when it stands alone, else the letters joined by ", " (a hedge, never equal to a gold).
     */
    private static String hedge(String text, int start, int end, String letter, Pattern after, Pattern before) {
        TreeSet<String> letters = new TreeSet<>();
        letters.add(letter);
        // Past the letter's closing parenthesis, if any.
        int e = end;
        if (e < text.length() && text.charAt(e) == ')') e++;
        while (e < text.length() && text.charAt(e) == '*') e++;
        for (int guard = 0; guard < 26; guard++) {
            Matcher m = after.matcher(text.substring(e, Math.min(text.length(), e + 20)));
            if (!m.find()) break;
            letters.add(firstGroup(m));
            e += m.end();
        }
        int s = start;
        if (s > 0 && text.charAt(s - 1) == '(') s--;
        while (s > 0 && text.charAt(s - 1) == '*') s--;
        for (int guard = 0; guard < 26; guard++) {
            Matcher m = before.matcher(text.substring(Math.max(0, s - 20), s));
            if (!m.find()) break;
            letters.add(firstGroup(m));
            s = Math.max(0, s - 20) + m.start();
        }
        return String.join(", ", letters);
    }
}
