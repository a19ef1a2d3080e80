package dev.r1serve.server.generation;

import dev.r1serve.server.chat.ChatPrompt;

/**
 * A request's input as the engine will see it: rendered with the model's template and, where the engine
 * counts prompts, tokenized and checked against the context.
 *
 * @param tokenIds the prompt's ids, or null when the engine's backend counts on its side
 * @param thinkPrefilled whether the prompt ends with a pre-filled {@code <think>}
 */
public record PreparedPrompt(ChatPrompt rendered, int[] tokenIds, boolean thinkPrefilled) {

    public String text() {
        return rendered.text();
    }

    /** Tokens the prompt takes, or -1 when not counted here. */
    public int tokenCount() {
        return tokenIds == null ? -1 : tokenIds.length;
    }
}
