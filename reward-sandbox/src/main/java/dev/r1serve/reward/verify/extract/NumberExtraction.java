package dev.r1serve.reward.verify.extract;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plain-text numbers: "7,425,000", "7 425 000", "1000,99" (decimal comma), "$1,000.99", ".4",
 * "10/9", "2.5e-3", "28%". Separator rules: a comma followed by exactly three digits (and more
 * groups of three) is a thousands separator; a single comma followed by one, two or four+ digits
 * is a decimal comma; a space separates thousands only between groups of exactly three digits.
 */
public final class NumberExtraction {
  private NumberExtraction() {}

  static final Pattern NUMBER = Pattern.compile(
      "(?<![A-Za-z\\d.,])(-\\s?)?"
          + "(\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?|\\d{1,3}(?: \\d{3})+(?![\\d,])(?:[.,]\\d+)?|\\d+(?:[.,]\\d+)?|\\.\\d+)"
          + "(?:[eE]([-+]?\\d{1,3}))?"
          + "(?:\\s?/\\s?(\\d+(?:\\.\\d+)?))?"
          + "(\\s?%)?");

  private static final Pattern ANSWER_IS = Pattern.compile("(?i)(?:answer|réponse|respuesta|antwort|答案)\\s*(?:is|est|es|ist|:|：|=)?\\s*:?");

  private static final Pattern ARITHMETIC = Pattern.compile("\\s*\\(?([\\d\\s+\\-*/=.]+?)\\)?\\s*(?:\\.\\s|\\.?$|\\n)");

  /** The last number in the text, normalized to a parseable string. */
  public static Optional<String> last(String text) {
    Matcher m = NUMBER.matcher(text);
    String last = null;
    while (m.find()) last = normalize(m);
    return Optional.ofNullable(last);
  }

  /** End offset of the last number in the text, or -1. */
  public static int lastEnd(String text) {
    Matcher m = NUMBER.matcher(text);
    int end = -1;
    while (m.find()) end = m.end();
    return end;
  }

  /** The first number within a short window after the last "answer is" / "answer:". */
  public static Optional<String> afterAnswerIs(String text) {
    Matcher a = ANSWER_IS.matcher(text);
    int at = -1;
    while (a.find()) at = a.end();
    if (at < 0) return Optional.empty();
    String window = text.substring(at, Math.min(text.length(), at + 60));
    // "answer is (35 + 70 = 105)": a short arithmetic statement is kept whole for the parser.
    Matcher arith = ARITHMETIC.matcher(window);
    if (arith.lookingAt() && arith.group(1).matches(".*\\d.*[-+*/=].*\\d.*")) return Optional.of(arith.group(1).strip());
    Matcher m = NUMBER.matcher(window);
    return m.find() ? Optional.of(normalize(m)) : Optional.empty();
  }

  static String normalize(Matcher m) {
    String sign = m.group(1) == null ? "" : "-";
    String body = m.group(2);
    if (body.contains(" ")) body = body.replace(" ", "");
    if (body.contains(",") && body.contains(".")) body = body.replace(",", "");
    else if (body.contains(",")) {
      String[] parts = body.split(",");
      boolean thousands = parts.length > 1 && parts[0].length() <= 3;
      for (int i = 1; i < parts.length; i++) thousands &= parts[i].length() == 3;
      body = thousands ? body.replace(",", "") : body.replace(',', '.');
    }
    if (body.startsWith(".")) body = "0" + body;
    StringBuilder sb = new StringBuilder(sign).append(body);
    if (m.group(3) != null) sb.append("e").append(m.group(3));
    if (m.group(4) != null) sb.append("/").append(m.group(4));
    if (m.group(5) != null) sb.append("%");
    return sb.toString();
  }
}
