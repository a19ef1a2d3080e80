package dev.r1serve.server.generation;

import dev.r1serve.server.chat.ChatMessage;
import java.util.List;

/**
 * A generate request that passed validation, as plain data: every field is in range and every default is
 * applied, but nothing is rendered or tokenized yet (that may block, and happens in
 * {@link GenerationService}). Both fronts produce this; the service takes nothing else.
 *
 * @param model the hosted model's name
 * @param n samples to generate
 * @param requestId the caller's id for logs, or empty
 * @param returnTokenIds report the generated tokens' ids
 * @param returnLogprobs report the log-probability of each generated token
 * @param topLogprobs with {@code returnLogprobs}: alternatives per position (0 for none)
 * @param returnPromptTokenIds report the prompt's ids
 */
public record GenerationRequest(
        String model,
        Input input,
        Sampling sampling,
        int n,
        int priority,
        String requestId,
        boolean returnTokenIds,
        boolean returnLogprobs,
        int topLogprobs,
        boolean returnPromptTokenIds) {

    /** Text only: no ids, no log-probabilities. */
    public GenerationRequest(
            String model,
            Input input,
            Sampling sampling,
            int n,
            int priority,
            String requestId,
            boolean returnTokenIds) {
        this(model, input, sampling, n, priority, requestId, returnTokenIds, false, 0, false);
    }

    /** What to generate from. */
    public sealed interface Input {
        /** The JSON path of the input in a gRPC request, for error messages. */
        String field();
    }

    /** A raw prompt, tokenized as given (special-token strings in it are tokens). */
    public record Prompt(String text) implements Input {
        @Override
        public String field() {
            return "prompt";
        }
    }

    /** A prompt given as token ids, used as they are (no template, no BOS added); checked against the vocabulary. */
    public record TokenIds(int[] ids) implements Input {
        public TokenIds {
            ids = ids.clone();
        }

        @Override
        public String field() {
            return "prompt_token_ids";
        }
    }

    /**
     * Chat turns to render with the model's template; the assistant turn is opened with {@code <think>\n}
     * when {@code prefillThink}.
     */
    public record Chat(List<ChatMessage> turns, boolean prefillThink) implements Input {
        public Chat {
            turns = List.copyOf(turns);
        }

        @Override
        public String field() {
            return "chat";
        }
    }

    /**
     * @param seed the request seed (uint32); sample i uses {@link GenerationRequest#sampleSeed(int)}
     * @param frequencyPenalty OpenAI's frequency penalty, 0 for none
     * @param presencePenalty OpenAI's presence penalty, 0 for none
     * @param maxThinkingTokens budget of the reasoning in tokens, {@link #NO_THINKING_BUDGET} for none
     */
    public record Sampling(
            float temperature,
            float topP,
            int topK,
            float minP,
            float frequencyPenalty,
            float presencePenalty,
            long seed,
            int maxTokens,
            List<String> stop,
            int maxThinkingTokens) {
        /** No budget on the reasoning. */
        public static final int NO_THINKING_BUDGET = -1;

        public Sampling {
            stop = List.copyOf(stop);
        }

        public Sampling(
                float temperature,
                float topP,
                int topK,
                float minP,
                float frequencyPenalty,
                float presencePenalty,
                long seed,
                int maxTokens,
                List<String> stop) {
            this(
                    temperature,
                    topP,
                    topK,
                    minP,
                    frequencyPenalty,
                    presencePenalty,
                    seed,
                    maxTokens,
                    stop,
                    NO_THINKING_BUDGET);
        }

        public boolean hasThinkingBudget() {
            return maxThinkingTokens != NO_THINKING_BUDGET;
        }
    }

    /**
     * The engine seed of sample {@code index}. Sample 0 uses the request seed itself, so a sample can be
     * reproduced alone by sending its reported seed with n = 1; the others get well-mixed seeds.
     */
    public long sampleSeed(int index) {
        if (index == 0) {
            return sampling.seed();
        }
        long z = sampling.seed() + 0x9E3779B97F4A7C15L * index; // splitmix64
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return clampSeed(z);
    }

    /** llama.cpp seeds are uint32 and treat 0xFFFFFFFF as "pick a random seed"; keep seeds clear of it. */
    public static long clampSeed(long seed) {
        long s = seed & 0xFFFFFFFFL;
        return s == 0xFFFFFFFFL ? 0xFFFFFFFEL : s;
    }
}
