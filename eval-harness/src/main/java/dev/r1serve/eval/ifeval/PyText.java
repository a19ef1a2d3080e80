package dev.r1serve.eval.ifeval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Python string operations IFEval's reference checkers are written with ({@code str.strip}, {@code isupper},
 * {@code islower}, the {@code \w+} word count, NLTK's sentence and word tokenizers), reproduced so that a response
 * counts the same here as in google-research's {@code instruction_following_eval}.
 */
final class PyText {

    /** Python's {@code \w} on str: letters, digits (all Unicode numbers) and underscore. */
    static final String WORD_CHAR = "[\\p{L}\\p{N}_]";

    private static final Pattern WORD = Pattern.compile(WORD_CHAR + "+");

    private PyText() {}

    /** Python's {@code str.isspace} for one character (Java's isWhitespace leaves out no-break spaces). */
    static boolean isSpace(int c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == 0x85;
    }

    /** {@code str.strip()}. */
    static String strip(String s) {
        int a = 0, b = s.length();
        while (a < b && isSpace(s.charAt(a))) a++;
        while (b > a && isSpace(s.charAt(b - 1))) b--;
        return s.substring(a, b);
    }

    /** {@code str.strip(chars)}. */
    static String strip(String s, String chars) {
        int a = 0, b = s.length();
        while (a < b && chars.indexOf(s.charAt(a)) >= 0) a++;
        while (b > a && chars.indexOf(s.charAt(b - 1)) >= 0) b--;
        return s.substring(a, b);
    }

    /** {@code str.lower()}. */
    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    /** {@code str.isupper()}: some cased character, and none lower- or title-case. */
    static boolean isUpper(String s) {
        boolean cased = false;
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            if (Character.isLowerCase(c) || Character.isTitleCase(c)) return false;
            if (Character.isUpperCase(c)) cased = true;
        }
        return cased;
    }

    /** {@code str.islower()}: some cased character, and none upper- or title-case. */
    static boolean isLower(String s) {
        boolean cased = false;
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            if (Character.isUpperCase(c) || Character.isTitleCase(c)) return false;
            if (Character.isLowerCase(c)) cased = true;
        }
        return cased;
    }

    /** Words as NLTK's {@code RegexpTokenizer(r"\w+")} counts them (the reference's {@code count_words}). */
    static int countWords(String s) {
        Matcher m = WORD.matcher(s);
        int n = 0;
        while (m.find()) n++;
        return n;
    }

    /** Non-overlapping matches of {@code p} in {@code s} ({@code len(re.findall(p, s))}). */
    static int count(Pattern p, String s) {
        Matcher m = p.matcher(s);
        int n = 0;
        while (m.find()) n++;
        return n;
    }

    // NLTK's English punkt model knows these abbreviations; a period after them does not end a sentence.
    private static final Set<String> ABBREVIATIONS = Set.of(
            "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "vs", "etc", "e.g", "i.e", "u.s", "u.k", "inc", "ltd",
            "co", "corp", "no", "fig", "approx", "dept", "est", "gen", "gov", "capt", "lt", "col", "sgt", "rev", "mt",
            "ft", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "a.m", "p.m");
    private static final String CLOSERS = "\"')]}’”»";

    /**
     * Sentences as NLTK's punkt tokenizer counts them (the reference's {@code count_sentences}): a token ending in
     * '.', '?' or '!' (before closing quotes or brackets) ends a sentence, except after a known abbreviation or a
     * single-letter initial; line breaks alone do not. Punkt's learned parameters are approximated by that list.
     */
    static int countSentences(String s) {
        int sentences = 0, n = s.length();
        boolean open = false;
        for (int i = 0; i < n; ) {
            while (i < n && isSpace(s.charAt(i))) i++;
            int a = i;
            while (i < n && !isSpace(s.charAt(i))) i++;
            if (a == i) break;
            open = true;
            int b = i;
            while (b > a && CLOSERS.indexOf(s.charAt(b - 1)) >= 0) b--; // closing quotes and brackets
            if (b == a) continue;
            char last = s.charAt(b - 1);
            if (last == '?' || last == '!' || last == '…') {
                sentences++;
                open = false;
            } else if (last == '.'
                    && !abbreviationOrInitial(s, a, b)
                    && !(b - a >= 2 && s.charAt(b - 2) == '.' && nextIsLower(s, i))) {
                // (an ellipsis before a lower-case word goes on, as punkt's orthographic rule has it)
                sentences++;
                open = false;
            }
        }
        return sentences + (open ? 1 : 0);
    }

    private static boolean nextIsLower(String s, int i) {
        while (i < s.length() && isSpace(s.charAt(i))) i++;
        return i < s.length() && Character.isLowerCase(s.charAt(i));
    }

    /** Whether the token s[a, b) ending in '.' is a known abbreviation or a one-letter initial (not an ellipsis). */
    private static boolean abbreviationOrInitial(String s, int a, int b) {
        if (b - a >= 2 && s.charAt(b - 2) == '.') return false; // "..": an ellipsis ends the sentence
        while (a < b && "\"'([{‘“«".indexOf(s.charAt(a)) >= 0) a++;
        String word = lower(s.substring(a, b - 1));
        return ABBREVIATIONS.contains(word) || (word.length() == 1 && Character.isLetter(word.charAt(0)));
    }

    private static final String SPLIT_PUNCT = ";@#$%&?![](){}<>\"“”‘`,:…";
    private static final String[] CLITICS = {"n't", "'s", "'m", "'d", "'re", "'ve", "'ll"};
    // the Treebank tokenizer's CONTRACTIONS2: whole words it splits in two
    private static final Map<String, Integer> SPLIT_WORDS =
            Map.of("cannot", 3, "gimme", 3, "gonna", 3, "gotta", 3, "lemme", 3, "wanna", 3, "more'n", 4, "d'ye", 1);

    /**
     * Word tokens as NLTK's {@code word_tokenize} (the Treebank rules) makes them, for counting all-capital words:
     * punctuation and quotes split off, contractions split ("DON'T" is "DO" and "N'T"), hyphenated words stay one.
     */
    static List<String> wordTokens(String s) {
        List<String> out = new ArrayList<>();
        int n = s.length(), start = 0;
        for (int i = 0; i <= n; i++) {
            boolean cut = i == n
                    || isSpace(s.charAt(i))
                    || SPLIT_PUNCT.indexOf(s.charAt(i)) >= 0
                    || (s.charAt(i) == '-' && i + 1 < n && s.charAt(i + 1) == '-');
            if (!cut) continue;
            if (i > start) addWord(strip(s.substring(start, i), "'.-"), out);
            start = i + 1;
        }
        return out;
    }

    private static void addWord(String w, List<String> out) {
        if (w.isEmpty()) return;
        String low = lower(w);
        Integer at = SPLIT_WORDS.get(low);
        if (at != null) {
            out.add(w.substring(0, at));
            out.add(w.substring(at));
            return;
        }
        for (String c : CLITICS) {
            if (low.length() > c.length() && low.endsWith(c)) {
                out.add(w.substring(0, w.length() - c.length()));
                out.add(w.substring(w.length() - c.length()));
                return;
            }
        }
        out.add(w);
    }
}
