package dev.r1serve.reward;

import java.util.regex.Pattern;

/**
 * A completion seen together with the end of its prompt: R1 chat templates pre-fill {@code <think>\n}
 * at the end of the prompt, so the model's text starts inside the reasoning and the opening tag is not
 * part of the completion. {@link #full()} puts it back so every rule sees the same text either way.
 */
public record Completion(String full, boolean thinkPrefilled) {

    /** A prompt whose last non-blank text is an opening think tag. */
    private static final Pattern PREFILLED = Pattern.compile("(?s).*<think>\\s*\\z");

    public static Completion of(String prompt, String completion) {
        String c = completion == null ? "" : completion;
        boolean prefilled = prompt != null
                && PREFILLED.matcher(prompt).matches()
                && !c.stripLeading().startsWith("<think>");
        return new Completion(prefilled ? "<think>\n" + c : c, prefilled);
    }

    /** Text inside the first think block; the text before {@code </think>} if the block opened; otherwise empty. */
    public String reasoning() {
        int open = full.indexOf("<think>");
        if (open < 0) return "";
        int close = full.indexOf("</think>", open);
        return close < 0 ? full.substring(open + 7) : full.substring(open + 7, close);
    }

    /** Whether a think block opened and never closed (a truncated generation: no answer yet). */
    public boolean reasoningUnclosed() {
        return full.contains("<think>") && !full.contains("</think>");
    }

    /**
     * The answer part: the inside of the last {@code <answer>…</answer>} if there is one, else the text after
     * the last {@code </think>}, else (no think block at all) the whole completion.
     */
    public String answer() {
        int aClose = full.lastIndexOf("</answer>");
        if (aClose >= 0) {
            int aOpen = full.lastIndexOf("<answer>", aClose);
            if (aOpen >= 0) return full.substring(aOpen + 8, aClose);
        }
        int close = full.lastIndexOf("</think>");
        return close >= 0 ? full.substring(close + 8) : full;
    }
}
