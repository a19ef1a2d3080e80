package dev.r1serve.reward.verify.extract;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Self-corrections: "The answer is 5. Actually, 6.", "B... no, A", "\boxed{5} Wait, it's 7". The
 * last stated answer is the answer, so a correction that comes after every other statement of
 * the answer (boxes, "answer is" phrases) supersedes them.
 */
public final class Corrections {
    private Corrections() {}

    /** A corrected value and where it starts in the text. */
    public record Correction(String value, int start) {}

    /**
     * Correction markers. "no"/"nope" need punctuation after them ("no, A"), so that "no 5-digit
     * number" is not one; "instead of" introduces the wrong value, not the new one.
     */
    private static final Pattern MARKER = Pattern.compile(
            "(?i)(?<![A-Za-z])(?:(?:no|nope)(?=\\s*[,.!:;—–-])|actually|wait|oops|sorry|correction|rather|instead(?!\\s+of)"
                    + "|i mean|i meant|scratch that|make that|on second thought|let me correct(?: that| myself)?|i was wrong)(?![A-Za-z])"
                    + "[\\s,:;.!—–-]*(?:(?:so\\s+|then\\s+)?(?:it'?s|it is|the (?:correct |final |right )?answer is|answer is|answer:|i think it'?s)\\s*:?\\s*)?");

    private static final Pattern LETTER_TMPL = Pattern.compile("\\*{0,2}\\(?([A-Z])\\)?\\*{0,2}(?![A-Za-z0-9'’])");

    /** Words one of which every marker contains: most answers have none, and skip the regex. */
    private static final String[] HINTS = {
        "no",
        "actually",
        "wait",
        "oops",
        "sorry",
        "correction",
        "rather",
        "instead",
        "mean",
        "scratch",
        "make that",
        "second thought",
        "correct",
        "wrong"
    };

    private static boolean mayContainMarker(String text) {
        String low = text.toLowerCase(java.util.Locale.ROOT);
        for (String h : HINTS) if (low.contains(h)) return true;
        return false;
    }

    /** The last correction that states a number or a math expression, if any. */
    public static Correction lastMath(String text, boolean decimalComma) {
        if (!mayContainMarker(text)) return null;
        Matcher m = MARKER.matcher(text);
        Correction last = null;
        while (m.find()) {
            int at = m.end();
            String rest = text.substring(at, Math.min(text.length(), at + 400));
            String value = null;
            if (rest.startsWith("$") || rest.startsWith("\\(") || rest.startsWith("\\[")) {
                var envs = Spans.environments(rest);
                if (!envs.isEmpty() && envs.get(0).start() == 0)
                    value = envs.get(0).content();
            } else {
                Matcher n = NumberExtraction.pattern(decimalComma).matcher(rest);
                if (n.lookingAt()) value = NumberExtraction.normalize(n);
            }
            if (value != null && !value.isBlank()) last = new Correction(value.strip(), at);
        }
        return last;
    }

    /** The last correction that names a choice letter in {@code A..lastLetter}, if any. */
    public static Correction lastLetter(String text, char lastLetter) {
        if (!mayContainMarker(text)) return null;
        Matcher m = MARKER.matcher(text);
        Correction last = null;
        while (m.find()) {
            Matcher l = LETTER_TMPL.matcher(text);
            l.region(m.end(), Math.min(text.length(), m.end() + 8));
            if (l.lookingAt() && l.group(1).charAt(0) <= lastLetter) last = new Correction(l.group(1), m.end());
        }
        return last;
    }
}
