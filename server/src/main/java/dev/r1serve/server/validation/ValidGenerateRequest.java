package dev.r1serve.server.validation;

import dev.r1serve.server.model.HostedModel;
import dev.r1serve.server.chat.ChatMessage;
import dev.r1serve.server.chat.ChatPrompt;
import java.util.List;

/**
 * A generate request that passed validation: every field is in range and every default is applied.
 *
 * @param prompt the text the engine sees (chat already rendered)
 * @param thinkPrefilled whether the prompt ends with a pre-filled {@code <think>}
 * @param frequencyPenalty OpenAI's frequency penalty, 0 for none
 * @param presencePenalty OpenAI's presence penalty, 0 for none
 * @param seed the request seed (uint32); sample i uses {@link #sampleSeed(int)}
 * @param chat the chat turns the prompt was rendered from; empty for a raw prompt
 * @param promptPieces the prompt cut into template markers and plain content (see {@link ChatPrompt})
 */
public record ValidGenerateRequest(
        HostedModel model,
        String prompt,
        boolean thinkPrefilled,
        float temperature,
        float topP,
        int topK,
        float minP,
        float frequencyPenalty,
        float presencePenalty,
        long seed,
        int maxTokens,
        List<String> stop,
        int n,
        boolean returnTokenIds,
        int priority,
        String requestId,
        List<ChatMessage> chat,
        List<ChatPrompt.Piece> promptPieces) {

    public ValidGenerateRequest {
        chat = List.copyOf(chat);
        promptPieces = List.copyOf(promptPieces);
    }

    /**
     * The engine seed of sample {@code index}. Sample 0 uses the request seed itself, so a sample can be
     * reproduced alone by sending its reported seed with n = 1; the others get well-mixed seeds.
     */
    public long sampleSeed(int index) {
        if (index == 0) {
            return seed;
        }
        long z = seed + 0x9E3779B97F4A7C15L * index; // splitmix64
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return clampSeed(z);
    }

    /**
     * llama.cpp seeds are uint32 and treat 0xFFFFFFFF as "pick a random seed"; keep seeds clear of it.
     */
    public static long clampSeed(long seed) {
        long s = seed & 0xFFFFFFFFL;
        return s == 0xFFFFFFFFL ? 0xFFFFFFFEL : s;
    }
}
