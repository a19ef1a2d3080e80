package dev.r1serve.server.openai;

/**
 * Splits a streamed R1 completion into {@code reasoning_content} and {@code content} deltas as vLLM's
 * reasoning parser does, holding back any tail that could still become a {@code <think>} or
 * {@code </think>} tag so a tag never leaks into either field. The final, non-streamed split is
 * {@link dev.r1serve.server.chat.ReasoningSplit}; this one follows it for well-formed output.
 */
final class StreamingReasoningSplitter {

    /** The parts of a delta; either may be empty. */
    record Parts(String reasoning, String content) {}

    private static final String OPEN = "<think>";
    private static final String CLOSE = "</think>";

    private final StringBuilder pending = new StringBuilder();
    /** Before the first text we do not yet know whether the model opens a think block. */
    private boolean started;

    private boolean inReasoning;
    private boolean closed;

    /** @param thinkPrefilled the prompt already ends with {@code <think>}: output starts as reasoning */
    StreamingReasoningSplitter(boolean thinkPrefilled) {
        this.inReasoning = thinkPrefilled;
        this.started = thinkPrefilled;
    }

    Parts accept(String delta) {
        pending.append(delta);
        StringBuilder reasoning = new StringBuilder();
        StringBuilder content = new StringBuilder();
        if (!started) {
            String lead = pending.toString().stripLeading();
            if (lead.startsWith(OPEN)) {
                started = true;
                inReasoning = true;
                pending.delete(0, pending.indexOf(OPEN) + OPEN.length());
            } else if (OPEN.startsWith(lead)) {
                return new Parts("", ""); // could still become <think>
            } else {
                started = true;
            }
        }
        if (inReasoning && !closed) {
            int close = pending.indexOf(CLOSE);
            if (close >= 0) {
                reasoning.append(pending, 0, close);
                pending.delete(0, close + CLOSE.length());
                closed = true;
                inReasoning = false;
            } else {
                int keep = heldBack(pending, CLOSE);
                reasoning.append(pending, 0, pending.length() - keep);
                pending.delete(0, pending.length() - keep);
                return new Parts(reasoning.toString(), "");
            }
        }
        content.append(pending);
        pending.setLength(0);
        return new Parts(reasoning.toString(), content.toString());
    }

    /** At the end: whatever was held back was not a tag. */
    Parts flush() {
        String rest = pending.toString();
        pending.setLength(0);
        return inReasoning ? new Parts(rest, "") : new Parts("", rest);
    }

    /** Length of the longest suffix of {@code s} that is a proper prefix of {@code tag}. */
    private static int heldBack(CharSequence s, String tag) {
        for (int k = Math.min(tag.length() - 1, s.length()); k > 0; k--) {
            if (tag.startsWith(s.subSequence(s.length() - k, s.length()).toString())) {
                return k;
            }
        }
        return 0;
    }
}
