package dev.r1serve.reward.verify.extract;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Multiple-choice letters (A..D, or A..J for MMLU-Pro). Priority: a boxed letter, the letter right
 * after "answer is"/"answer:", a bold letter {@code **C**}, a letter opening a line ("C)", "(C) text",
 * "C. text"), the last standalone capital letter of the range, and finally the choice text itself.
 */
public final class ChoiceExtraction {
  private ChoiceExtraction() {}

  public static List<Candidate> candidates(String text, int nChoices, List<String> choiceTexts) {
    char lastLetter = (char) ('A' + nChoices - 1);
    String cls = "[A-" + lastLetter + "]";
    String standalone = "(?<![A-Za-z0-9])\\(?(" + cls + ")\\)?(?![A-Za-z0-9'’])";
    List<Candidate> out = new ArrayList<>();

    List<String> boxed = Spans.lastGroup(text, Spans.boxes(text));
    if (!boxed.isEmpty()) {
      Matcher m = Pattern.compile(standalone).matcher(boxed.get(boxed.size() - 1).replaceAll("\\\\text(?:bf)?\\{([^{}]*)\\}", "$1"));
      if (m.find()) out.add(new Candidate(m.group(1), "boxed-letter"));
    }
    Matcher ans = Pattern.compile("(?i)(?:answer\\s*(?:is|:)|réponse\\s*(?:est|:)|respuesta\\s*(?:es|:)|答案\\s*[是为:：]?)").matcher(text);
    int at = -1;
    while (ans.find()) at = ans.end();
    if (at >= 0) {
      String window = text.substring(at, Math.min(text.length(), at + 40));
      Matcher m = Pattern.compile(standalone).matcher(window);
      if (m.find()) out.add(new Candidate(m.group(1), "answer-is-letter"));
    }
    String last = lastGroup1(Pattern.compile("\\*\\*\\s*\\(?(" + cls + ")\\)?[.:)]?\\s*\\*\\*"), text);
    if (last != null) out.add(new Candidate(last, "bold-letter"));
    last = lastGroup1(Pattern.compile("(?m)^[\\s>*#-]*\\(?(" + cls + ")(?![A-Za-z0-9'’])"), text);
    if (last != null) out.add(new Candidate(last, "line-start-letter"));
    last = lastGroup1(Pattern.compile(standalone), text);
    if (last != null) out.add(new Candidate(last, "last-letter"));
    if (choiceTexts != null) {
      int best = -1;
      String letter = null;
      for (int i = 0; i < choiceTexts.size() && i < nChoices; i++) {
        String c = choiceTexts.get(i).strip();
        if (c.isEmpty()) continue;
        int p = text.lastIndexOf(c);
        if (p > best) { best = p; letter = String.valueOf((char) ('A' + i)); }
      }
      if (letter != null) out.add(new Candidate(letter, "choice-text"));
    }
    return out;
  }

  private static String lastGroup1(Pattern p, String text) {
    Matcher m = p.matcher(text);
    String last = null;
    while (m.find()) last = m.group(1);
    return last;
  }
}
