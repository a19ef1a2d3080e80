package dev.r1serve.server.chat;

/**
 * Splits an R1-style completion into its reasoning (inside {@code <think>...</think>}) and its answer
 * (after the last {@code </think>}).
 *
 * <p>Rules: when {@code <think>} was pre-filled by the template the completion starts inside the
 * reasoning. A completion that opened its reasoning but never closed it (truncated) has reasoning only
 * and an empty answer. A completion with no think tags at all (a model that does not reason) is all
 * answer.
 *
 * @param reasoning text of the reasoning block, trimmed
 * @param answer text after the last {@code </think>}, trimmed; empty when reasoning never closed
 * @param closed whether a {@code </think>} was seen (false for truncated reasoning)
 */
public record ReasoningSplit(String reasoning, String answer, boolean closed, boolean hadReasoning) {

    private static final String OPEN = "<think>";
    private static final String CLOSE = "</think>";

    public static ReasoningSplit of(String completion, boolean thinkPrefilled) {
        int close = completion.lastIndexOf(CLOSE);
        int open = completion.indexOf(OPEN);
        boolean opened = thinkPrefilled || open >= 0;
        if (close < 0) {
            if (!opened) {
                return new ReasoningSplit("", completion.strip(), false, false);
            }
            int start = thinkPrefilled || open < 0 ? 0 : open + OPEN.length();
            return new ReasoningSplit(completion.substring(start).strip(), "", false, true);
        }
        int start = (!thinkPrefilled && open >= 0 && open < close) ? open + OPEN.length() : 0;
        String reasoning = completion.substring(start, close).strip();
        String answer = completion.substring(close + CLOSE.length()).strip();
        return new ReasoningSplit(reasoning, answer, true, true);
    }
}
