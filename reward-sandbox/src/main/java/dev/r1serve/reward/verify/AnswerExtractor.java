package dev.r1serve.reward.verify;

import dev.r1serve.reward.verify.extract.Candidate;
import dev.r1serve.reward.verify.extract.ChoiceExtraction;
import dev.r1serve.reward.verify.extract.Corrections;
import dev.r1serve.reward.verify.extract.MathExtraction;
import dev.r1serve.reward.verify.extract.NumberExtraction;
import dev.r1serve.reward.verify.extract.Spans;
import dev.r1serve.reward.verify.normalize.LatexNormalizer;
import dev.r1serve.reward.verify.normalize.LatexParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the final answer in a model output. Usable on its own (the eval harness records the
 * extracted answer and votes on it) or through {@link Verifier}.
 *
 * <p>Only the text after the last {@code </think>} is searched; a text that opens {@code <think>}
 * without closing it was truncated and has no answer.
 */
public final class AnswerExtractor {
    /** An extracted answer and the rule that found it. */
    public record Extraction(String answer, String method) {}

    /** Texts longer than this are searched only in their last part (answers sit at the end). */
    public static final int MAX_SCAN_CHARS = 64_000;

    private static final Pattern GSM8K_GOLD = Pattern.compile("####\\s*(.+)");

    private final VerifierOptions options;

    public AnswerExtractor(VerifierOptions options) {
        this.options = options;
    }

    public VerifierOptions options() {
        return options;
    }

    /**
     * The answer part of a model output: the text after the last {@code </think>}, the whole text if
     * there is no think block, and empty when {@code <think>} is never closed (truncated output).
     */
    public static Optional<String> answerSection(String modelText) {
        if (modelText == null) return Optional.empty();
        int close = modelText.lastIndexOf("</think>");
        String t;
        if (close >= 0) t = modelText.substring(close + "</think>".length());
        else if (modelText.contains("<think>")) return Optional.empty();
        else t = modelText;
        if (t.length() > MAX_SCAN_CHARS) t = t.substring(t.length() - MAX_SCAN_CHARS);
        return Optional.of(t);
    }

    /** All candidate answers of an answer section, best first. */
    public List<Candidate> candidates(String text) {
        return switch (options.type()) {
            case CHOICE -> ChoiceExtraction.candidates(text, options.nChoices(), null);
            case GSM8K -> gsm8kCandidates(text);
            case MATH -> {
                List<Candidate> c = new ArrayList<>();
                if (options.nChoices() > 0) c.addAll(ChoiceExtraction.candidates(text, options.nChoices(), null));
                c.addAll(MathExtraction.candidates(
                        text, options.latex(), options.expr(), options.lastNumberFallback(), options.decimalComma()));
                yield c;
            }
        };
    }

    private List<Candidate> gsm8kCandidates(String text) {
        List<Candidate> out = new ArrayList<>();
        List<String> boxed = Spans.lastGroup(text, Spans.boxes(text));
        if (!boxed.isEmpty()) out.add(new Candidate(String.join(", ", boxed), "boxed"));
        Matcher m = GSM8K_GOLD.matcher(text);
        String hashes = null;
        while (m.find()) hashes = m.group(1);
        boolean dc = options.decimalComma();
        Corrections.Correction fix = Corrections.lastMath(text, dc);
        if (fix != null
                && fix.start()
                        >= lastStatementEnd(
                                text,
                                boxed.isEmpty()
                                        ? -1
                                        : Spans.boxes(text).getLast().end())) {
            out.add(0, new Candidate(fix.value(), "self-correction"));
        }
        if (hashes != null)
            NumberExtraction.last(hashes.replace("$", " "), dc).ifPresent(s -> out.add(new Candidate(s, "####")));
        NumberExtraction.afterAnswerIs(text, dc).ifPresent(s -> out.add(new Candidate(s, "answer-is-number")));
        if (options.lastNumberFallback())
            NumberExtraction.lastList(text, dc).ifPresent(s -> out.add(new Candidate(s, "last-number")));
        return out;
    }

    private static final Pattern STATEMENT = Pattern.compile("(?i)answer\\s*(?:is|:)|####");

    /** Where the last explicit statement of an answer ("answer is", "####", a box) ends. */
    private static int lastStatementEnd(String text, int lastBoxEnd) {
        Matcher m = STATEMENT.matcher(text);
        int at = lastBoxEnd;
        while (m.find()) at = Math.max(at, m.end());
        return at;
    }

    /**
     * Extracts the answer from a model output (think handling included): the first candidate that
     * parses as math, or for choice questions the first letter found.
     */
    public Optional<Extraction> extract(String modelText) {
        return answerSection(modelText).flatMap(this::extractFromSection);
    }

    /** Like {@link #extract} for a text that has no think block to strip (e.g. a gold solution). */
    public Optional<Extraction> extractFromSection(String text) {
        List<Candidate> cs = candidates(text);
        if (cs.isEmpty()) return Optional.empty();
        if (options.type() == AnswerType.CHOICE)
            return Optional.of(new Extraction(cs.get(0).text(), cs.get(0).method()));
        for (Candidate c : cs) {
            if (c.method().endsWith("letter") || c.method().equals("choice-text"))
                return Optional.of(new Extraction(c.text(), c.method()));
            if (c.text().length() > Verifier.MAX_ANSWER_CHARS) continue;
            try {
                LatexParser.parse(LatexNormalizer.normalize(c.text(), options.decimalComma()));
                return Optional.of(new Extraction(c.text(), c.method()));
            } catch (LatexParser.ParseException e) {
                // try the next, lower-priority candidate
            }
        }
        return Optional.of(new Extraction(cs.get(0).text(), cs.get(0).method() + " (unparsed)"));
    }
}
