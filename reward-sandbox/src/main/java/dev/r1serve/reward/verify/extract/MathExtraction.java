package dev.r1serve.reward.verify.extract;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Candidate answers of a math solution in priority order: the last boxed answer group, the content
 * after "final answer is", after "answer is", the last math environment group, a short bare LaTeX
 * text, and (when enabled) plain numbers. The verifier uses the first candidate that parses.
 *
 * <p>The last stated answer counts: a self-correction ("... is 5. Actually, 6.") after every box
 * and answer phrase goes first, and a negated statement ("the answer is not 5") states nothing.
 */
public final class MathExtraction {
    private MathExtraction() {}

    private static final Pattern FINAL_ANSWER = Pattern.compile("(?i)final answer(?:\\s+is)?\\s*:?");
    /** Three or more letters in a row outside LaTeX commands: a sentence, not an answer. */
    private static final Pattern PROSE =
            Pattern.compile("[A-Za-z]{3,}|[\\p{IsHan}\\p{IsArabic}\\p{IsDevanagari}\\p{IsHiragana}]");
    /** A LaTeX fraction or root written without math delimiters ("每份应该是 (\frac{2}{5}) 吨"). */
    private static final Pattern LATEX_FRAGMENT =
            Pattern.compile("-?\\\\(?:[dtc]?frac|sqrt)(?:\\{[^{}]{0,40}\\}){1,2}");

    private static final Pattern NEGATION_START =
            Pattern.compile("(?i)\\s*(?:not|never|n't|isn't|cannot be|can't be|≠)(?![A-Za-z])");
    private static final Pattern ANSWER_IS =
            Pattern.compile("(?i)(?:answer\\s*(?:is|:)|réponse\\s*(?:est|:)|respuesta\\s*(?:es|:)|答案\\s*[是为:：])\\s*:?");

    /**
     * @param latex use LaTeX rules (boxes, environments, bare LaTeX)
     * @param expr use plain-number rules ("answer is 5", the last number when {@code lastNumber})
     * @param decimalComma the locale option of {@link NumberExtraction}
     */
    public static List<Candidate> candidates(
            String text, boolean latex, boolean expr, boolean lastNumber, boolean decimalComma) {
        List<Candidate> out = new ArrayList<>();
        Corrections.Correction fix = Corrections.lastMath(text, decimalComma);
        if (fix != null) {
            int lastStatement = Math.max(lastEnd(text, FINAL_ANSWER), lastEnd(text, ANSWER_IS));
            List<Spans.Span> boxes = latex ? Spans.boxes(text) : List.of();
            if (!boxes.isEmpty())
                lastStatement =
                        Math.max(lastStatement, boxes.get(boxes.size() - 1).end());
            if (fix.start() >= lastStatement) out.add(new Candidate(fix.value(), "self-correction"));
        }
        if (latex) {
            List<Spans.Span> boxSpans = Spans.boxes(text);
            List<String> boxed = Spans.lastGroup(text, boxSpans);
            // "... \boxed{255} ... The final answer is $10,455$": a final-answer statement after the
            // last box supersedes the intermediate box.
            int finalAt = lastEnd(text, FINAL_ANSWER);
            if (!boxSpans.isEmpty()
                    && finalAt > boxSpans.get(boxSpans.size() - 1).end())
                afterPhrase(text, FINAL_ANSWER, "final-answer-is", out);
            // "... $\boxed{5}$. Oops, I made an error: the answer is 6." The last statement counts.
            else if (!boxSpans.isEmpty()
                    && text.length() - boxSpans.get(boxSpans.size() - 1).end() > 8
                    && lastEnd(text, ANSWER_IS)
                            > boxSpans.get(boxSpans.size() - 1).end()) afterPhrase(text, ANSWER_IS, "answer-is", out);
            if (!boxed.isEmpty()) out.add(new Candidate(String.join(", ", boxed), "boxed"));
            afterPhrase(text, FINAL_ANSWER, "final-answer-is", out);
            afterPhrase(text, ANSWER_IS, "answer-is", out);
            List<Spans.Span> envSpans = Spans.environments(text);
            List<String> envs = Spans.lastGroup(text, envSpans);
            if (!envs.isEmpty()) {
                // A plain number written after the last math environment is the later, better answer
                // ("... $d = 90/n$ ... so there are 12 sequences"), as Math-Verify ranks by position.
                int envEnd = envSpans.get(envSpans.size() - 1).end();
                if (expr && lastNumber && NumberExtraction.lastEnd(text) > envEnd) {
                    NumberExtraction.lastList(text.substring(envEnd), decimalComma)
                            .ifPresent(s -> out.add(new Candidate(s, "last-number")));
                }
                out.add(new Candidate(String.join(", ", envs), "latex-env"));
            }
            String bare = text.strip();
            if (out.isEmpty()
                    && bare.length() <= 120
                    && bare.indexOf('\n') < 0
                    && (bare.indexOf('\\') >= 0 || bare.indexOf('^') >= 0 || !expr)) {
                out.add(new Candidate(bare, "bare-latex"));
            }
        }
        if (expr) {
            NumberExtraction.afterAnswerIs(text, decimalComma)
                    .ifPresent(s -> out.add(new Candidate(s, "answer-is-number")));
            if (lastNumber)
                NumberExtraction.lastList(text, decimalComma).ifPresent(s -> out.add(new Candidate(s, "last-number")));
        }
        return out;
    }

    private static int lastEnd(String text, Pattern p) {
        Matcher m = p.matcher(text);
        int at = -1;
        while (m.find()) at = m.end();
        return at;
    }

    private static void afterPhrase(String text, Pattern phrase, String method, List<Candidate> out) {
        Matcher m = phrase.matcher(text);
        int at = -1;
        while (m.find()) at = m.end();
        if (at < 0) return;
        String rest = text.substring(at);
        // "The answer is not 5" states no answer.
        if (NEGATION_START.matcher(rest).lookingAt()) return;
        List<Spans.Span> envs = Spans.environments(rest);
        // "The final answer is $x$." — take the first environment that starts right after the phrase.
        if (!envs.isEmpty()
                && rest.substring(0, envs.get(0).start())
                        .replaceAll("[\\s\"'`:\\\\]", "")
                        .isEmpty()) {
            List<Spans.Span> leading = new ArrayList<>();
            for (Spans.Span s : envs) {
                if (s.start()
                                - (leading.isEmpty()
                                        ? 0
                                        : leading.get(leading.size() - 1).end())
                        > 12) break;
                leading.add(s);
            }
            List<String> group = Spans.lastGroup(rest, leading);
            out.add(new Candidate(String.join(", ", group), method));
            return;
        }
        int end = rest.length();
        int nl = rest.indexOf('\n');
        if (nl >= 0) end = Math.min(end, nl);
        Matcher stop = Pattern.compile("\\.(\\s|$)").matcher(rest);
        if (stop.find() && stop.start() < end) end = stop.start();
        String cand = rest.substring(0, Math.min(end, 200)).strip();
        if (cand.isEmpty()) return;
        if (!PROSE.matcher(cand.replaceAll("\\\\[a-zA-Z]+|\\$[^$]*\\$", " ")).find()) {
            out.add(new Candidate(cand, method));
            return;
        }
        // "The final answer is: the largest $n$ is 34", "Réponse: Janeth aura encore 220 $ ...": prose
        // right after the phrase; its first number (or bare LaTeX fraction) is the answer, else its math.
        Matcher frag = LATEX_FRAGMENT.matcher(cand);
        int fragStart = frag.find() ? frag.start() : Integer.MAX_VALUE;
        Matcher num = NumberExtraction.NUMBER.matcher(cand);
        int numStart = num.find() ? num.start() : Integer.MAX_VALUE;
        if (fragStart < Integer.MAX_VALUE && fragStart <= numStart) {
            out.add(new Candidate(frag.group(), method + "-latex"));
        } else if (numStart < Integer.MAX_VALUE) {
            out.add(new Candidate(NumberExtraction.normalize(num), method + "-number"));
        } else {
            List<Spans.Span> inner = Spans.environments(cand);
            if (!inner.isEmpty())
                out.add(new Candidate(String.join(", ", Spans.lastGroup(cand, inner)), method + "-latex"));
        }
    }
}
