package dev.r1serve.reward;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Language consistency (DeepSeek-R1 sec. 2.3.2): the share of the reasoning's words that are in the target
 * language, so chains of thought that switch languages mid-way score lower.
 *
 * <p>What is counted, on the reasoning (the think block; the whole completion if there is none):
 * <ul>
 *   <li>removed first: fenced code blocks, inline code, LaTeX math ({@code $…$}, {@code \(…\)},
 *       {@code \[…\]}) and LaTeX commands, because formulas and identifiers are not natural language;</li>
 *   <li>a Han character (CJK ideograph) is one word, because Chinese is written without spaces;</li>
 *   <li>any other run of letters of one script is one word (Latin "hello", Cyrillic "привет", kana runs …);
 *       digits and punctuation are not words.</li>
 * </ul>
 * Target {@code en}: the words in Latin script; {@code zh}: the Han characters. Value = target words / all
 * words, 0 when there are no words. Word-by-script is what makes a mixed English/Chinese reasoning count as
 * it reads: "所以答案是 x" has five Chinese words, "so the answer is" four English ones.
 */
public final class LanguageReward {

    private static final Pattern CODE = Pattern.compile("(?s)```.*?(```|\\z)|`[^`\\n]*`");
    private static final Pattern MATH =
            Pattern.compile("(?s)\\$\\$.*?\\$\\$|\\$[^$]*\\$|\\\\\\(.*?\\\\\\)|\\\\\\[.*?\\\\]");
    private static final Pattern LATEX_COMMAND = Pattern.compile("\\\\[A-Za-z]+");

    private LanguageReward() {}

    /** Languages the reward knows, as their lower-case codes. */
    public static boolean supports(String language) {
        String l = language.toLowerCase(Locale.ROOT);
        return l.equals("en") || l.equals("zh");
    }

    public static Reward score(Completion c, String targetLanguage) {
        String text = c.full().contains("<think>") ? c.reasoning() : c.full();
        WordCounts w = count(text);
        boolean zh = targetLanguage.toLowerCase(Locale.ROOT).startsWith("zh");
        long target = zh ? w.han() : w.latin();
        if (w.total() == 0) return new Reward(Reward.LANGUAGE, 0.0, "no words in the reasoning");
        double share = (double) target / w.total();
        return new Reward(
                Reward.LANGUAGE,
                share,
                String.format(
                        Locale.ROOT,
                        "%d of %d words in %s (latin %d, han %d, other %d)",
                        target,
                        w.total(),
                        zh ? "zh" : "en",
                        w.latin(),
                        w.han(),
                        w.other()));
    }

    /** Word counts by script. */
    public record WordCounts(long latin, long han, long other) {
        public long total() {
            return latin + han + other;
        }
    }

    public static WordCounts count(String text) {
        String t = CODE.matcher(text).replaceAll(" ");
        t = MATH.matcher(t).replaceAll(" ");
        t = LATEX_COMMAND.matcher(t).replaceAll(" ");
        long latin = 0, han = 0, other = 0;
        Character.UnicodeScript run = null; // script of the letter run in progress (not Han)
        for (int i = 0; i < t.length(); ) {
            int cp = t.codePointAt(i);
            i += Character.charCount(cp);
            if (!Character.isLetter(cp)) {
                run = null;
                continue;
            }
            Character.UnicodeScript s = Character.UnicodeScript.of(cp);
            if (s == Character.UnicodeScript.HAN) {
                han++;
                run = null;
            } else if (s != run) {
                if (s == Character.UnicodeScript.LATIN) latin++;
                else other++;
                run = s;
            }
        }
        return new WordCounts(latin, han, other);
    }
}
