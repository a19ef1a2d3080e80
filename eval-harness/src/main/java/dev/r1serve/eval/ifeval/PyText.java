package dev.r1serve.eval.ifeval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
    private static final Set<String> ABBREVIATIONS = Set.of("mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "vs",
            "etc", "e.g", "i.e", "u.s", "u.k", "inc", "ltd", "co", "corp", "no", "fig", "approx", "dept", "est", "gen",
            "gov", "capt", "lt", "col", "sgt", "rev", "mt", "ft", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
            "sep", "sept", "oct", "nov", "dec", "a.m", "p.m");
    private static final String CLOSERS = "\"')]}’”»";

    /**
     * Sentences as NLTK's punkt tokenizer counts them (the reference's {@code count_sentences}): a token ending in
     * '.', '?' or '!' (before closing quotes or brackets) ends a sentence, except after a known abbreviation or a
     * single-letter initial; line breaks alone do not. Punkt's learned parameters are approximated by that list.
     */
    static int countSentences(String s) {
        String[] tokens = strip(s).split("[\\s\\u00a0\\u2000-\\u200b\\u3000]+");
        int sentences = 0;
        boolean open = false;
        for (String t : tokens) {
            if (t.isEmpty()) continue;
            open = true;
            String core = strip(t, CLOSERS);
            if (core.isEmpty()) continue;
            char last = core.charAt(core.length() - 1);
            if (last == '?' || last == '!' || last == '…') {
                sentences++;
                open = false;
            } else if (last == '.') {
                String word = lower(strip(core, "\"'([{‘“«")).replaceAll("\\.+$", "");
                boolean ellipsisOrAbbrev = core.endsWith("..") ? false
                        : ABBREVIATIONS.contains(word) || (word.length() == 1 && Character.isLetter(word.charAt(0)));
                if (!ellipsisOrAbbrev) {
                    sentences++;
                    open = false;
                }
            }
        }
        return sentences + (open ? 1 : 0);
    }

    private static final Pattern SPLIT_PUNCT = Pattern.compile("--|[;@#$%&?!\\[\\](){}<>\"“”‘`,:…]");
    private static final Pattern CLITIC = Pattern.compile("(?i)^(.+?)(n't|'s|'m|'d|'re|'ve|'ll)$");

    /**
     * Word tokens as NLTK's {@code word_tokenize} (the Treebank rules) makes them, for counting all-capital words:
     * punctuation and quotes split off, contractions split ("DON'T" is "DO" and "N'T"), hyphenated words stay one.
     */
    static List<String> wordTokens(String s) {
        List<String> out = new ArrayList<>();
        for (String chunk : s.split("\\s+")) {
            for (String piece : SPLIT_PUNCT.split(chunk)) {
                String w = strip(piece, "'.");
                if (w.isEmpty()) continue;
                Matcher m = CLITIC.matcher(w);
                if (m.matches()) {
                    out.add(m.group(1));
                    out.add(m.group(2));
                } else {
                    out.add(w);
                }
            }
        }
        return out;
    }
}
