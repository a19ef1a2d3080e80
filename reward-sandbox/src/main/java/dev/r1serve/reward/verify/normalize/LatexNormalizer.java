package dev.r1serve.reward.verify.normalize;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * String-level clean-up of an extracted LaTeX answer before it is parsed. Every rule here removes
 * presentation that never changes the value: spacing macros, {@code \left/\right}, {@code \dfrac},
 * units in {@code \text{}}, degree signs, dollar signs, thousands separators.
 */
public final class LatexNormalizer {
    private LatexNormalizer() {}

    private static final Pattern SPACING =
            Pattern.compile("(?<!\\\\)\\\\(?:qquad|quad|displaystyle|textstyle|!|,|;|:|>| )|~");
    private static final Pattern DOUBLED = Pattern.compile(
            "(?<!\\\\)\\\\\\\\(?:frac|dfrac|left|right|sqrt|boxed|text|pi|cdot|infty|begin|end)(?![a-zA-Z])");
    private static final Pattern DOUBLED_ANY = Pattern.compile("(?<!\\\\)\\\\\\\\(?=[a-zA-Z])");
    private static final Pattern SIZING = Pattern.compile(
            "\\\\(?:left|right|bigl|bigr|Bigl|Bigr|biggl|biggr|Biggl|Biggr|big|Big|bigg|Bigg)(?![a-zA-Z])\\.?");
    private static final Pattern FRAC_VARIANTS = Pattern.compile("\\\\[dtc]frac(?![a-zA-Z])");
    private static final Pattern DEGREES =
            Pattern.compile("\\^\\s*\\{\\s*\\\\circ\\s*\\}|\\^\\s*\\\\circ|\\\\circ|\\\\degree|°");
    private static final Pattern AND_OR = Pattern.compile(
            "\\\\(?:text|textbf|textnormal|mbox|textrm)\\s*\\{\\s*(?:and|or)\\s*\\}|(?<![a-zA-Z\\\\])(?:and|or)(?![a-zA-Z])");
    /**
     * Text blocks that carry units or words around a value; removed only when a value remains. A
     * block with a digit is part of the answer, never a unit ({@code 5\text{ (or 6)}} is a hedge).
     */
    private static final Pattern TEXT_BLOCK = Pattern.compile(
            "\\\\(?:text|textbf|textnormal|mbox|textrm|textit|mathrm)\\s*\\{[^{}\\d]*\\}(?:\\s*\\^\\s*\\{?\\d\\}?)?");
    /** A lone number with a decimal comma; inside tuples and lists a comma stays a separator. */
    private static final Pattern DECIMAL_COMMA = Pattern.compile("^(-?\\d+)(?:,|\\{,\\})(\\d{1,2}|\\d{4,})$");

    private static final Pattern PERCENT_WORDS = Pattern.compile(
            "(\\d)\\s*(?:\\\\(?:text|mbox|textrm|mathrm)\\s*\\{\\s*(?:percent(?:age)?|per cent|pct)\\s*\\}|(?:percent(?:age)?|per cent|pct)(?![A-Za-z]))");
    private static final Pattern THOUSANDS = Pattern.compile("^-?\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?$");
    private static final Pattern THOUSANDS_HINTED = Pattern.compile("(\\d),(?:\\\\!|\\{\\}|\\s)*(?=\\d{3}(?!\\d))");

    /**
     * Normalizes one extracted LaTeX answer.
     *
     * @param s the answer as extracted (no surrounding prose)
     * @param decimalComma a locale option: an answer that is one number whose comma cannot be a
     *     thousands separator has a decimal comma: {@code 1,22} reads 1.22, while {@code (7,6)} stays a pair
     * @return a cleaned string for {@link LatexParser}
     */
    public static String normalize(String s, boolean decimalComma) {
        String t = s.replace("\u000crac", "\\frac"); // "\f" eaten by a non-raw Python string
        if (decimalComma) t = DECIMAL_COMMA.matcher(t.strip()).replaceAll("$1.$2");
        // "28 percent", "28\text{ pct}": the same as 28\%.
        if (t.contains("per") || t.contains("pct")) t = PERCENT_WORDS.matcher(t).replaceAll("$1\\%");
        // Answers escaped twice ("\\frac") read as single commands; "\\" row breaks stay.
        if (DOUBLED.matcher(t).find()) t = DOUBLED_ANY.matcher(t).replaceAll("\\\\");
        t = t.replace("\\$", "").replace("$", "");
        t = t.replace("{,}", ",");
        // ",\!" is the MATH dataset's thousands separator: join before spacing macros are dropped.
        if (t.contains(",\\!") || t.contains(", \\!"))
            t = THOUSANDS_HINTED.matcher(t).replaceAll("$1");
        t = FRAC_VARIANTS.matcher(t).replaceAll("\\\\frac");
        t = SIZING.matcher(t).replaceAll("");
        t = DEGREES.matcher(t).replaceAll("");
        t = t.replace("\\%", "%").replace("\\leqslant", "\\leq").replace("\\geqslant", "\\geq");
        t = AND_OR.matcher(t).replaceAll(" ; ");
        t = SPACING.matcher(t).replaceAll(" ");
        t = dropUnits(t);
        t = t.strip();
        // Trailing sentence punctuation is never part of the answer.
        while (!t.isEmpty() && (t.endsWith(".") || t.endsWith(",") || t.endsWith(";"))) {
            t = t.substring(0, t.length() - 1).strip();
        }
        while (!t.isEmpty() && t.startsWith(";")) t = t.substring(1).strip();
        if (THOUSANDS.matcher(t).matches()) t = t.replace(",", "");
        return t;
    }

    private static String dropUnits(String t) {
        Matcher m = TEXT_BLOCK.matcher(t);
        if (!m.find()) return t;
        String without = TEXT_BLOCK.matcher(t).replaceAll(" ").strip();
        // "10\text{ units}" keeps 10; "\text{Evelyn}" and "x = \text{east}" stay text for the parser.
        if (without.chars().anyMatch(Character::isDigit)) return without;
        return t;
    }
}
