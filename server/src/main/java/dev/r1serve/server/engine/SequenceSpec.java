package dev.r1serve.server.engine;

import dev.r1serve.server.chat.ChatMessage;
import java.util.List;

/**
 * One sequence for an engine to generate: a rendered prompt and validated sampling parameters.
 *
 * @param frequencyPenalty OpenAI's frequency penalty (0: none); only for engines that {@link Engine#supportsPenalties()}
 * @param presencePenalty OpenAI's presence penalty (0: none)
 * @param seed the engine seed of this sequence (already derived from the request seed and index)
 * @param stop stop strings, matched on the generated text by the engine adapter
 * @param chat the chat turns {@code prompt} was rendered from (empty for raw prompts), for engines whose
 *     backend renders chats itself ({@code engine: openai-chat})
 */
public record SequenceSpec(
        String prompt,
        float temperature,
        float topP,
        int topK,
        float minP,
        float frequencyPenalty,
        float presencePenalty,
        long seed,
        int maxTokens,
        List<String> stop,
        boolean returnTokenIds,
        List<ChatMessage> chat) {

    public SequenceSpec {
        stop = List.copyOf(stop);
        chat = List.copyOf(chat);
    }

    /** A sequence without penalties. */
    public SequenceSpec(String prompt, float temperature, float topP, int topK, float minP, long seed, int maxTokens,
                        List<String> stop, boolean returnTokenIds, List<ChatMessage> chat) {
        this(prompt, temperature, topP, topK, minP, 0f, 0f, seed, maxTokens, stop, returnTokenIds, chat);
    }

    /** A sequence from a raw prompt (no chat turns). */
    public SequenceSpec(String prompt, float temperature, float topP, int topK, float minP, long seed, int maxTokens,
                        List<String> stop, boolean returnTokenIds) {
        this(prompt, temperature, topP, topK, minP, 0f, 0f, seed, maxTokens, stop, returnTokenIds, List.of());
    }
}
