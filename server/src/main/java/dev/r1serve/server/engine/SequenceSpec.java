package dev.r1serve.server.engine;

import dev.r1serve.server.chat.ChatMessage;
import dev.r1serve.server.chat.ChatPrompt;
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
 * @param pieces {@code prompt} cut where special-token strings are the template's markers and where they
 *     are message content (see {@link ChatPrompt}); one marker piece for a raw prompt
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
        List<ChatMessage> chat,
        List<ChatPrompt.Piece> pieces) {

    public SequenceSpec {
        stop = List.copyOf(stop);
        chat = List.copyOf(chat);
        pieces = pieces == null || pieces.isEmpty() ? ChatPrompt.raw(prompt).pieces() : List.copyOf(pieces);
    }

    /** A sequence whose prompt was rendered from {@code chat} with no special-token pieces of its own. */
    public SequenceSpec(String prompt, float temperature, float topP, int topK, float minP, float frequencyPenalty,
                        float presencePenalty, long seed, int maxTokens, List<String> stop, boolean returnTokenIds,
                        List<ChatMessage> chat) {
        this(prompt, temperature, topP, topK, minP, frequencyPenalty, presencePenalty, seed, maxTokens, stop,
                returnTokenIds, chat, List.of());
    }

    /** Without penalties. */
    public SequenceSpec(String prompt, float temperature, float topP, int topK, float minP, long seed, int maxTokens,
                        List<String> stop, boolean returnTokenIds, List<ChatMessage> chat) {
        this(prompt, temperature, topP, topK, minP, 0f, 0f, seed, maxTokens, stop, returnTokenIds, chat);
    }

    /** A raw prompt without penalties. */
    public SequenceSpec(String prompt, float temperature, float topP, int topK, float minP, long seed, int maxTokens,
                        List<String> stop, boolean returnTokenIds) {
        this(prompt, temperature, topP, topK, minP, 0f, 0f, seed, maxTokens, stop, returnTokenIds, List.of());
    }
}
