package dev.r1serve.server.engine;

import dev.r1serve.server.chat.ChatMessage;
import dev.r1serve.server.chat.ChatPrompt;
import java.util.List;

/**
 * One sequence for an engine to generate: a rendered prompt and validated sampling parameters. Built with
 * {@link #builder(String)}.
 *
 * @param prompt the rendered prompt text
 * @param pieces {@code prompt} cut where special-token strings are the template's markers and where they
 *     are message content (see {@link ChatPrompt}); one marker piece for a raw prompt
 * @param promptTokenIds the prompt's ids as {@link Engine#tokenize(ChatPrompt)} gave them when the prompt was
 *     checked against the context, so the engine need not tokenize again; null when not counted
 * @param tokenPrompt the prompt is exactly {@code promptTokenIds} (a prompt given as ids, or a continuation of
 *     one): engines use the ids as they are, without adding BOS ({@code prompt} is empty or informative);
 *     only for engines that take {@link EngineCapabilities#promptTokenIds() id prompts}
 * @param thinkPrefilled whether the prompt ends with a pre-filled {@code <think>} (the reasoning is open)
 * @param frequencyPenalty OpenAI's frequency penalty (0: none); only for engines with the capability
 * @param presencePenalty OpenAI's presence penalty (0: none)
 * @param seed the engine seed of this sequence (already derived from the request seed and index)
 * @param maxTokens tokens to generate at most; the engine may stop at the context's end before
 * @param stop stop strings: matched above the engine; remote engines also pass them to their backend
 * @param returnTokenIds whether {@link SequenceListener#onText} should carry the tokens' ids
 * @param returnLogprobs whether to report log-probabilities ({@link SequenceListener#onText(String, int[], List)});
 *     only for engines with the capability
 * @param topLogprobs with {@code returnLogprobs}: alternatives per position, 0..the engine's maximum
 * @param chat the chat turns {@code prompt} was rendered from (empty for raw prompts), for engines that
 *     {@link EngineCapabilities#rendersChat() render chats} themselves
 */
public record SequenceSpec(
        String prompt,
        List<ChatPrompt.Piece> pieces,
        int[] promptTokenIds,
        boolean tokenPrompt,
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
        boolean returnTokenIds,
        boolean returnLogprobs,
        int topLogprobs,
        List<ChatMessage> chat) {

    public SequenceSpec {
        pieces = pieces == null || pieces.isEmpty() ? ChatPrompt.raw(prompt).pieces() : List.copyOf(pieces);
        stop = List.copyOf(stop);
        chat = List.copyOf(chat);
        if (tokenPrompt && promptTokenIds == null) {
            throw new IllegalArgumentException("a token prompt needs its promptTokenIds");
        }
    }

    public static Builder builder(String prompt) {
        return new Builder(prompt);
    }

    /** Paper defaults (T 0.6, top-p 0.95), 64 tokens, no stops. */
    public static final class Builder {
        private final String prompt;
        private List<ChatPrompt.Piece> pieces = List.of();
        private int[] promptTokenIds;
        private boolean tokenPrompt;
        private boolean thinkPrefilled;
        private float temperature = 0.6f;
        private float topP = 0.95f;
        private int topK;
        private float minP;
        private float frequencyPenalty;
        private float presencePenalty;
        private long seed;
        private int maxTokens = 64;
        private List<String> stop = List.of();
        private boolean returnTokenIds;
        private boolean returnLogprobs;
        private int topLogprobs;
        private List<ChatMessage> chat = List.of();

        private Builder(String prompt) {
            this.prompt = prompt;
        }

        public Builder pieces(List<ChatPrompt.Piece> v) {
            pieces = v;
            return this;
        }

        public Builder promptTokenIds(int[] v) {
            promptTokenIds = v;
            return this;
        }

        public Builder tokenPrompt(boolean v) {
            tokenPrompt = v;
            return this;
        }

        public Builder thinkPrefilled(boolean v) {
            thinkPrefilled = v;
            return this;
        }

        public Builder temperature(float v) {
            temperature = v;
            return this;
        }

        public Builder topP(float v) {
            topP = v;
            return this;
        }

        public Builder topK(int v) {
            topK = v;
            return this;
        }

        public Builder minP(float v) {
            minP = v;
            return this;
        }

        public Builder frequencyPenalty(float v) {
            frequencyPenalty = v;
            return this;
        }

        public Builder presencePenalty(float v) {
            presencePenalty = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder maxTokens(int v) {
            maxTokens = v;
            return this;
        }

        public Builder stop(List<String> v) {
            stop = v;
            return this;
        }

        public Builder returnTokenIds(boolean v) {
            returnTokenIds = v;
            return this;
        }

        public Builder returnLogprobs(boolean v) {
            returnLogprobs = v;
            return this;
        }

        public Builder topLogprobs(int v) {
            topLogprobs = v;
            return this;
        }

        public Builder chat(List<ChatMessage> v) {
            chat = v;
            return this;
        }

        public SequenceSpec build() {
            return new SequenceSpec(
                    prompt,
                    pieces,
                    promptTokenIds,
                    tokenPrompt,
                    thinkPrefilled,
                    temperature,
                    topP,
                    topK,
                    minP,
                    frequencyPenalty,
                    presencePenalty,
                    seed,
                    maxTokens,
                    stop,
                    returnTokenIds,
                    returnLogprobs,
                    topLogprobs,
                    chat);
        }
    }
}
