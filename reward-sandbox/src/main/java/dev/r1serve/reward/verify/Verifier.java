package dev.r1serve.reward.verify;

import dev.r1serve.reward.verify.AnswerExtractor.Extraction;
import dev.r1serve.reward.verify.extract.ChoiceExtraction;
import dev.r1serve.reward.verify.extract.Hedges;
import dev.r1serve.reward.verify.internal.Equivalence;
import dev.r1serve.reward.verify.normalize.Expr;
import dev.r1serve.reward.verify.normalize.LatexNormalizer;
import dev.r1serve.reward.verify.normalize.LatexParser;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Answer verification: extracts the answer of a model output and decides whether it is equivalent
 * to the gold answer. Thread-safe; one instance per benchmark configuration is enough.
 *
 * <pre>{@code
 * Verdict v = Verifier.math().verify("25", "<think>...</think> So the answer is $\\boxed{025}$.");
 * v.equivalent(); // true, rule "numeric"
 * }</pre>
 *
 * <p>Order of checks: normalized string equality, structural equality, numeric value, random-point
 * sampling, and only then the Symja CAS on a bounded worker with {@link VerifierOptions#timeoutMillis()}.
 * Anything that cannot be parsed or exceeds the size caps is "not equivalent" with a reason.
 */
public final class Verifier {
    private static final Pattern GSM8K_GOLD = Pattern.compile("####\\s*([^\\n]+)");

    private final VerifierOptions options;
    private final AnswerExtractor extractor;

    private Verifier(VerifierOptions options) {
        this.options = options;
        this.extractor = new AnswerExtractor(options);
    }

    /** Free-form math (MATH-500, AIME, AMC) with default options. */
    public static Verifier math() {
        return new Verifier(VerifierOptions.math());
    }

    /** Multiple choice with {@code nChoices} options (4 for A..D, 10 for MMLU-Pro's A..J). */
    public static Verifier choice(int nChoices) {
        return new Verifier(VerifierOptions.choice(nChoices));
    }

    /** GSM8K: gold after "#### ", numeric predictions. */
    public static Verifier gsm8k() {
        return new Verifier(VerifierOptions.gsm8k());
    }

    /** A verifier with explicit options. */
    public static Verifier of(VerifierOptions options) {
        return new Verifier(options);
    }

    public VerifierOptions options() {
        return options;
    }

    /** The extractor this verifier uses on model outputs. */
    public AnswerExtractor extractor() {
        return extractor;
    }

    /**
     * Verifies a model output against a gold answer.
     *
     * @param gold the gold answer (MATH: LaTeX such as {@code \frac{1}{2}}, or a solution text with a box;
     *     GSM8K: a rationale ending in "#### N" or a number; choice: a letter or a 0-based index)
     * @param modelAnswerText the model's output (think block allowed)
     */
    public Verdict verify(String gold, String modelAnswerText) {
        return verify(gold, modelAnswerText, null);
    }

    /**
     * As {@link #verify(String, String)}; for choice questions {@code choices} (the option texts in
     * order) lets an answer that quotes an option's text instead of its letter count.
     */
    public Verdict verify(String gold, String modelAnswerText, List<String> choices) {
        String goldAnswer = extractGold(gold == null ? "" : gold);
        if (goldAnswer == null)
            return new Verdict(false, null, null, null, null, "no-gold", "no answer found in the gold text", false);
        Optional<String> section = AnswerExtractor.answerSection(modelAnswerText);
        if (section.isEmpty()) {
            return new Verdict(
                    false,
                    goldAnswer,
                    null,
                    null,
                    null,
                    "truncated",
                    modelAnswerText == null
                            ? "no model output"
                            : "output opens <think> but never closes it: truncated, no answer",
                    false);
        }
        Optional<Extraction> pred;
        if (options.type() == AnswerType.CHOICE && choices != null) {
            var cs = ChoiceExtraction.candidates(section.get(), options.nChoices(), choices);
            pred = cs.isEmpty()
                    ? Optional.empty()
                    : Optional.of(new Extraction(cs.get(0).text(), cs.get(0).method()));
        } else {
            pred = extractor.extractFromSection(section.get());
        }
        if (pred.isEmpty())
            return new Verdict(
                    false, goldAnswer, null, null, null, "no-answer", "no answer found in the model output", false);
        String alternative =
                Hedges.alternative(section.get(), options.type() == AnswerType.CHOICE ? options.nChoices() : 0);
        if (alternative != null) {
            return new Verdict(
                    false,
                    goldAnswer,
                    pred.get().answer(),
                    null,
                    null,
                    "hedge",
                    "the answer keeps an alternative open ('" + alternative + "'): a hedge is wrong [pred via "
                            + pred.get().method() + "]",
                    false);
        }
        Verdict v = compareAnswers(goldAnswer, pred.get().answer());
        return new Verdict(
                v.equivalent(),
                v.goldExtracted(),
                v.predExtracted(),
                v.goldNormalized(),
                v.predNormalized(),
                v.rule(),
                v.reason() + " [pred via " + pred.get().method() + "]",
                v.usedCas());
    }

    /**
     * Equivalence of two already extracted answers (e.g. two predictions, for majority voting).
     */
    public boolean equivalent(String a, String b) {
        return compareAnswers(a, b).equivalent();
    }

    /** As {@link #equivalent} with the full explanation. */
    public Verdict compareAnswers(String gold, String pred) {
        if (options.type() == AnswerType.CHOICE) {
            String g = gold.strip().toUpperCase(Locale.ROOT), p = pred.strip().toUpperCase(Locale.ROOT);
            boolean eq = g.equals(p);
            return new Verdict(eq, gold, pred, g, p, "letter", eq ? "same letter" : "letters differ", false);
        }
        // Size cap before any normalization: an answer this long is not a final answer.
        if (gold.length() > MAX_ANSWER_CHARS || pred.length() > MAX_ANSWER_CHARS) {
            boolean same = gold.equals(pred);
            return new Verdict(
                    same,
                    abbreviate(gold),
                    abbreviate(pred),
                    null,
                    null,
                    same ? "string" : "size-cap",
                    same ? "identical strings" : "answer longer than " + MAX_ANSWER_CHARS + " chars: not compared",
                    false);
        }
        String gn = LatexNormalizer.normalize(gold, options.decimalComma()),
                pn = LatexNormalizer.normalize(pred, options.decimalComma());
        if (gn.replace(" ", "").equals(pn.replace(" ", ""))) {
            return new Verdict(true, gold, pred, gn, pn, "string", "identical after LaTeX normalization", false);
        }
        Expr ge, pe;
        try {
            ge = LatexParser.parse(gn);
        } catch (LatexParser.ParseException e) {
            return new Verdict(
                    false,
                    gold,
                    pred,
                    gn,
                    pn,
                    "unparsed",
                    "gold not parseable (" + e.getMessage() + ") and strings differ",
                    false);
        }
        try {
            pe = LatexParser.parse(pn);
        } catch (LatexParser.ParseException e) {
            return new Verdict(
                    false,
                    gold,
                    pred,
                    gn,
                    pn,
                    "unparsed",
                    "prediction not parseable (" + e.getMessage() + ") and strings differ",
                    false);
        }
        Equivalence eqv = new Equivalence(options);
        Expr gu = eqv.unwrap(ge), pu = eqv.unwrap(pe);
        Equivalence.Decision d;
        if (options.strictVariables()
                && ge instanceof Expr.Rel gr
                && pe instanceof Expr.Rel pr
                && gu != ge
                && pu != pe
                && !gr.parts().get(0).equals(pr.parts().get(0))) {
            // Two assignments to different names (x = 1, y = 1) differ when names matter.
            return new Verdict(
                    false,
                    gold,
                    pred,
                    ge.toString(),
                    pe.toString(),
                    "variables",
                    "assignments to different variables (strict variable names)",
                    false);
        }
        try {
            d = eqv.compare(gu, pu);
            if (!d.equal() && ge instanceof Expr.Rel && pe instanceof Expr.Rel && (gu != ge || pu != pe)) {
                // y = -x/2 + 3/4 against 2x + 4y - 3 = 0: an equation solved for a variable is still the
                // equation, so compare the two relations whole.
                Equivalence.Decision whole = eqv.compare(ge, pe);
                if (whole.equal()) {
                    return new Verdict(
                            true,
                            gold,
                            pred,
                            ge.toString(),
                            pe.toString(),
                            whole.rule(),
                            whole.reason(),
                            whole.usedCas());
                }
            }
        } catch (StackOverflowError | RuntimeException e) {
            d = new Equivalence.Decision(
                    false, "error", "comparison failed: " + e.getClass().getSimpleName(), false);
        }
        return new Verdict(d.equal(), gold, pred, gu.toString(), pu.toString(), d.rule(), d.reason(), d.usedCas());
    }

    /** Longest extracted answer that is normalized and parsed (longer ones only match verbatim). */
    public static final int MAX_ANSWER_CHARS = 2 * LatexParser.MAX_LENGTH;

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 197) + "..." : s;
    }

    private String extractGold(String gold) {
        switch (options.type()) {
            case CHOICE -> {
                String g = gold.strip();
                if (g.matches("[A-Za-z]")) return g.toUpperCase(Locale.ROOT);
                if (g.matches("\\d{1,2}")) {
                    int idx = Integer.parseInt(g);
                    return idx < options.nChoices() ? String.valueOf((char) ('A' + idx)) : null;
                }
                return extractor.extractFromSection(g).map(Extraction::answer).orElse(null);
            }
            case GSM8K -> {
                Matcher m = GSM8K_GOLD.matcher(gold);
                String last = null;
                while (m.find()) last = m.group(1);
                String src = last != null ? last : gold;
                return dev.r1serve.reward.verify.extract.NumberExtraction.last(
                                src.replace("$", " "), options.decimalComma())
                        .orElse(null);
            }
            default -> {
                String g = gold.strip();
                boolean delimited = g.contains("\\boxed")
                        || g.contains("\\fbox")
                        || g.contains("$")
                        || g.contains("\\(")
                        || g.contains("\\[");
                if (options.latex() && !delimited && g.length() <= 300 && g.indexOf('\n') < 0 && !g.isEmpty()) {
                    try {
                        LatexParser.parse(LatexNormalizer.normalize(g, options.decimalComma()));
                        return g;
                    } catch (LatexParser.ParseException e) {
                        // a sentence rather than a bare answer: extract from it below
                    }
                }
                return extractor.extractFromSection(g).map(Extraction::answer).orElse(g.isEmpty() ? null : g);
            }
        }
    }
}
