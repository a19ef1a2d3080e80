package dev.r1serve.reward.verify.extract;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Candidate answers of a math solution in priority order: the last boxed answer group, the content
 * after "final answer is", after "answer is", the last math environment group, a short bare LaTeX
 * text, and (when enabled) plain numbers. The verifier uses the first candidate that parses.
 */
public final class MathExtraction {
  private MathExtraction() {}

  private static final Pattern FINAL_ANSWER = Pattern.compile("(?i)final answer(?:\\s+is)?\\s*:?");
  /** Three or more letters in a row outside LaTeX commands: a sentence, not an answer. */
  private static final Pattern PROSE = Pattern.compile("[A-Za-z]{3,}");
  private static final Pattern ANSWER_IS = Pattern.compile("(?i)answer\\s*(?:is|:)\\s*:?");

  /**
   * @param latex use LaTeX rules (boxes, environments, bare LaTeX)
   * @param expr use plain-number rules ("answer is 5", the last number when {@code lastNumber})
   */
  public static List<Candidate> candidates(String text, boolean latex, boolean expr, boolean lastNumber) {
    List<Candidate> out = new ArrayList<>();
    if (latex) {
      List<Spans.Span> boxSpans = Spans.boxes(text);
      List<String> boxed = Spans.lastGroup(text, boxSpans);
      // "... \boxed{255} ... The final answer is $10,455$": a final-answer statement after the
      // last box supersedes the intermediate box.
      int finalAt = lastEnd(text, FINAL_ANSWER);
      if (!boxSpans.isEmpty() && finalAt > boxSpans.get(boxSpans.size() - 1).end()) afterPhrase(text, FINAL_ANSWER, "final-answer-is", out);
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
          NumberExtraction.last(text.substring(envEnd)).ifPresent(s -> out.add(new Candidate(s, "last-number")));
        }
        out.add(new Candidate(String.join(", ", envs), "latex-env"));
      }
      String bare = text.strip();
      if (out.isEmpty() && bare.length() <= 120 && bare.indexOf('\n') < 0 && (bare.indexOf('\\') >= 0 || bare.indexOf('^') >= 0 || !expr)) {
        out.add(new Candidate(bare, "bare-latex"));
      }
    }
    if (expr) {
      NumberExtraction.afterAnswerIs(text).ifPresent(s -> out.add(new Candidate(s, "answer-is-number")));
      if (lastNumber) NumberExtraction.last(text).ifPresent(s -> out.add(new Candidate(s, "last-number")));
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
    List<Spans.Span> envs = Spans.environments(rest);
    // "The final answer is $x$." — take the first environment that starts right after the phrase.
    if (!envs.isEmpty() && rest.substring(0, envs.get(0).start()).strip().replaceAll("[\"'`:]", "").isEmpty()) {
      List<Spans.Span> leading = new ArrayList<>();
      for (Spans.Span s : envs) {
        if (s.start() - (leading.isEmpty() ? 0 : leading.get(leading.size() - 1).end()) > 12) break;
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
    // "The final answer is: the largest $n$ is 34" — prose; take its last math or number.
    List<Spans.Span> inner = Spans.environments(cand);
    int numEnd = NumberExtraction.lastEnd(cand);
    int envEnd = inner.isEmpty() ? -1 : inner.get(inner.size() - 1).end();
    if (numEnd > envEnd) NumberExtraction.last(cand).ifPresent(s -> out.add(new Candidate(s, method + "-number")));
    else if (envEnd >= 0) out.add(new Candidate(String.join(", ", Spans.lastGroup(cand, inner)), method + "-latex"));
  }
}
