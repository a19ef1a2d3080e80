package dev.r1serve.server.validation;

import dev.r1serve.proto.v1.GenerateRequest;
import dev.r1serve.proto.v1.SamplingParams;
import dev.r1serve.server.chat.ChatMessage;
import dev.r1serve.server.error.ServerException;
import dev.r1serve.server.generation.GenerationRequest;
import dev.r1serve.server.model.HostedModel;
import dev.r1serve.server.model.ModelRegistry;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Turns a protocol request into a {@link GenerationRequest} or refuses it with a
 * {@link ServerException.InvalidField} that names the offending field. Nothing reaches an engine without
 * passing here. Cheap and never blocking: it looks the model up but renders and tokenizes nothing (the
 * prompt's length is checked where it is tokenized, in the generation service).
 */
public final class RequestValidator {

    /** The DeepSeek-R1 paper's sampling defaults. */
    public static final float DEFAULT_TEMPERATURE = 0.6f;

    public static final float DEFAULT_TOP_P = 0.95f;
    public static final int MAX_PROMPT_CHARS = 1 << 20;
    public static final int MAX_STOP_STRINGS = 16;
    public static final int MAX_STOP_LENGTH = 256;
    public static final int MAX_CHAT_MESSAGES = 1024;
    /** OpenAI's and vLLM's default cap on alternatives per position. */
    public static final int MAX_TOP_LOGPROBS = 20;

    private static final Set<String> ROLES = Set.of("system", "user", "assistant");

    private final ModelRegistry models;
    private final int maxSamples;
    private final SecureRandom seeds = new SecureRandom();

    /** @param maxSamples the cap on n (the paper samples up to 64 per prompt, so at least 64) */
    public RequestValidator(ModelRegistry models, int maxSamples) {
        if (maxSamples < 64) {
            throw new IllegalArgumentException("maxSamples must be >= 64, got " + maxSamples);
        }
        this.models = models;
        this.maxSamples = maxSamples;
    }

    public int maxSamples() {
        return maxSamples;
    }

    public HostedModel model(String name) {
        if (name.isEmpty()) {
            throw invalid("model", "is required");
        }
        return models.find(name).orElseThrow(() -> new ServerException.ModelNotFound(abbreviate(name)));
    }

    public GenerationRequest validate(GenerateRequest r) {
        HostedModel model = model(r.getModel());
        SamplingParams s = r.getSampling();

        float temperature = s.hasTemperature() ? s.getTemperature() : DEFAULT_TEMPERATURE;
        if (!Float.isFinite(temperature) || temperature < 0) {
            throw invalid("sampling.temperature", "must be a finite number >= 0, got " + temperature);
        }
        float topP = s.hasTopP() ? s.getTopP() : DEFAULT_TOP_P;
        if (!(topP > 0 && topP <= 1)) {
            throw invalid("sampling.top_p", "must be in (0, 1], got " + topP);
        }
        int topK = s.hasTopK() ? s.getTopK() : 0;
        if (topK < 0) {
            throw invalid("sampling.top_k", "must be >= 0 (0 disables it), got " + topK);
        }
        float minP = s.hasMinP() ? s.getMinP() : 0f;
        if (!(minP >= 0 && minP <= 1)) {
            throw invalid("sampling.min_p", "must be in [0, 1], got " + minP);
        }
        float frequencyPenalty =
                penalty(model, "sampling.frequency_penalty", s.hasFrequencyPenalty(), s.getFrequencyPenalty());
        float presencePenalty =
                penalty(model, "sampling.presence_penalty", s.hasPresencePenalty(), s.getPresencePenalty());
        int n = s.hasN() ? s.getN() : 1;
        if (n < 1 || n > maxSamples) {
            throw invalid("sampling.n", "must be in [1, " + maxSamples + "], got " + n);
        }
        int context = model.engine().contextLength();
        int maxTokens = s.hasMaxTokens() ? s.getMaxTokens() : Math.min(model.defaultMaxTokens(), context);
        if (maxTokens < 1 || maxTokens > context) {
            throw invalid(
                    "sampling.max_tokens", "must be in [1, " + context + "] (the model's context), got " + maxTokens);
        }
        if (s.getStopCount() > MAX_STOP_STRINGS) {
            throw invalid("sampling.stop", "at most " + MAX_STOP_STRINGS + " stop strings, got " + s.getStopCount());
        }
        for (int i = 0; i < s.getStopCount(); i++) {
            String stop = s.getStop(i);
            if (stop.isEmpty() || stop.length() > MAX_STOP_LENGTH) {
                throw invalid(
                        "sampling.stop[" + i + "]",
                        "must be 1.." + MAX_STOP_LENGTH + " characters, got " + stop.length());
            }
        }
        var options = r.getOptions();
        var caps = model.engine().capabilities();
        if (options.getReturnLogprobs() && !caps.logprobs()) {
            throw unsupported(
                    "options.return_logprobs",
                    model,
                    "does not return log-probabilities"
                            + (caps.logprobsUnavailableReason().isEmpty()
                                    ? ""
                                    : ": " + caps.logprobsUnavailableReason()));
        }
        int topLogprobs = options.getTopLogprobs();
        if (topLogprobs < 0 || topLogprobs > MAX_TOP_LOGPROBS) {
            throw invalid("options.top_logprobs", "must be in [0, " + MAX_TOP_LOGPROBS + "], got " + topLogprobs);
        }
        if (topLogprobs > 0 && !options.getReturnLogprobs()) {
            throw invalid("options.top_logprobs", "needs options.return_logprobs");
        }
        if (topLogprobs > caps.maxTopLogprobs()) {
            throw unsupported(
                    "options.top_logprobs",
                    model,
                    "returns at most " + caps.maxTopLogprobs() + " alternatives per token, got " + topLogprobs);
        }
        if (options.getReturnTokenIds() && !caps.tokenIds()) {
            throw unsupported("options.return_token_ids", model, "does not return token ids");
        }
        if (options.getReturnPromptTokenIds()
                && !(caps.promptTokenIds()
                        && (model.engine().countsPrompts()
                                || r.getInputCase() == GenerateRequest.InputCase.PROMPT_TOKEN_IDS))) {
            throw unsupported(
                    "options.return_prompt_token_ids",
                    model,
                    caps.promptTokenIds()
                            ? "does not count prompts here (its backend tokenizes them; configure tokenize: true)"
                            : "does not report prompt token ids");
        }
        int thinkingBudget = GenerationRequest.Sampling.NO_THINKING_BUDGET;
        if (s.hasMaxThinkingTokens()) {
            thinkingBudget = s.getMaxThinkingTokens();
            if (thinkingBudget < 1 || thinkingBudget > context) {
                throw invalid(
                        "sampling.max_thinking_tokens",
                        "must be in [1, " + context + "] (the model's context), got " + thinkingBudget);
            }
        }

        boolean prefill = r.getOptions().hasPrefillThink()
                ? r.getOptions().getPrefillThink()
                : model.template().prefillThinkByDefault();
        GenerationRequest.Input input = input(r, model, prefill);
        long seed =
                s.hasSeed() ? GenerationRequest.clampSeed(s.getSeed()) : GenerationRequest.clampSeed(seeds.nextLong());
        var sampling = new GenerationRequest.Sampling(
                temperature,
                topP,
                topK,
                minP,
                frequencyPenalty,
                presencePenalty,
                seed,
                maxTokens,
                s.getStopList(),
                thinkingBudget);
        return new GenerationRequest(
                model.name(),
                input,
                sampling,
                n,
                r.getPriority(),
                r.getRequestId(),
                options.getReturnTokenIds(),
                options.getReturnLogprobs(),
                topLogprobs,
                options.getReturnPromptTokenIds());
    }

    /** A penalty in OpenAI's range [-2, 2]; a non-zero one needs an engine that applies it (never ignored). */
    private static float penalty(HostedModel model, String field, boolean set, float value) {
        if (!set) {
            return 0f;
        }
        if (!(value >= -2 && value <= 2)) {
            throw invalid(field, "must be in [-2, 2], got " + value);
        }
        if (value != 0 && !model.engine().capabilities().penalties()) {
            throw invalid(
                    field, "the " + model.kind() + " engine of model '" + model.name() + "' does not apply penalties");
        }
        return value;
    }

    /** The request's input, checked; a chat's turns are checked but not rendered. */
    private GenerationRequest.Input input(GenerateRequest r, HostedModel model, boolean prefill) {
        return switch (r.getInputCase()) {
            case PROMPT -> {
                String p = r.getPrompt();
                if (p.length() > MAX_PROMPT_CHARS) {
                    throw invalid("prompt", "at most " + MAX_PROMPT_CHARS + " characters, got " + p.length());
                }
                if (p.isEmpty() && model.template().isChatFormat()) {
                    throw invalid("prompt", "must not be empty (only models without a chat template start from BOS)");
                }
                yield new GenerationRequest.Prompt(p);
            }
            case CHAT -> chat(r.getChat().getMessagesList(), model, prefill);
            case PROMPT_TOKEN_IDS -> tokenIds(r.getPromptTokenIds().getIdsList(), model);
            case INPUT_NOT_SET -> throw invalid("prompt", "one of prompt or chat is required");
        };
    }

    /**
     * A prompt as token ids: the engine must take them, each must be in the vocabulary, and they must leave
     * room for one generated token.
     */
    public GenerationRequest.TokenIds tokenIds(List<Integer> ids, HostedModel model) {
        String field = "prompt_token_ids.ids";
        if (!model.engine().capabilities().promptTokenIds()) {
            throw unsupported("prompt_token_ids", model, "does not take prompts as token ids");
        }
        if (ids.isEmpty()) {
            throw invalid(field, "must not be empty");
        }
        int context = model.engine().contextLength();
        if (ids.size() >= context) {
            throw new ServerException.PromptTooLong("prompt_token_ids", model.name(), ids.size(), context);
        }
        int vocabulary = model.engine().vocabularySize();
        int[] out = new int[ids.size()];
        for (int i = 0; i < out.length; i++) {
            int id = ids.get(i);
            if (id < 0 || (vocabulary >= 0 && id >= vocabulary)) {
                throw invalid(
                        field + "[" + i + "]",
                        "must be in [0, " + (vocabulary >= 0 ? vocabulary : "2^31") + ") (the vocabulary of model '"
                                + model.name() + "'), got " + id);
            }
            out[i] = id;
        }
        return new GenerationRequest.TokenIds(out);
    }

    /** A raw text to tokenize as given (Tokenize, /tokenize). */
    public GenerationRequest.Prompt text(String field, String text) {
        if (text.length() > MAX_PROMPT_CHARS) {
            throw invalid(field, "at most " + MAX_PROMPT_CHARS + " characters");
        }
        return new GenerationRequest.Prompt(text);
    }

    /**
     * Checks chat turns for {@code model}: roles, count, size, the last turn from the user, and that the
     * model has a chat template. Rendering happens in the generation service.
     */
    public GenerationRequest.Chat chat(
            List<dev.r1serve.proto.v1.ChatMessage> messages, HostedModel model, boolean prefill) {
        if (!model.template().supportsChat()) {
            throw invalid("chat", "model '" + model.name() + "' has no chat template; send a raw prompt");
        }
        if (messages.isEmpty()) {
            throw invalid("chat.messages", "must not be empty");
        }
        if (messages.size() > MAX_CHAT_MESSAGES) {
            throw invalid("chat.messages", "at most " + MAX_CHAT_MESSAGES + " messages, got " + messages.size());
        }
        List<ChatMessage> turns = new ArrayList<>(messages.size());
        long chars = 0;
        for (int i = 0; i < messages.size(); i++) {
            var m = messages.get(i);
            if (!ROLES.contains(m.getRole())) {
                throw invalid(
                        "chat.messages[" + i + "].role",
                        "must be system, user or assistant, got '" + abbreviate(m.getRole()) + "'");
            }
            chars += m.getContent().length();
            if (chars > MAX_PROMPT_CHARS) {
                throw invalid("chat.messages", "at most " + MAX_PROMPT_CHARS + " characters in all");
            }
            turns.add(new ChatMessage(m.getRole(), m.getContent()));
        }
        if (!turns.get(turns.size() - 1).role().equals("user")) {
            throw invalid("chat.messages[" + (turns.size() - 1) + "].role", "the last message must be from the user");
        }
        return new GenerationRequest.Chat(turns, prefill);
    }

    /** The model's engine lacks what {@code field} asks for. */
    private static ServerException.Unsupported unsupported(String field, HostedModel model, String problem) {
        return new ServerException.Unsupported(
                field, "the " + model.kind() + " engine of model '" + model.name() + "' " + problem);
    }

    private static ServerException.InvalidField invalid(String field, String problem) {
        return new ServerException.InvalidField(field, problem);
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }
}
