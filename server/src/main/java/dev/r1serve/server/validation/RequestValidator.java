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
        float frequencyPenalty = penalty(model, "sampling.frequency_penalty", s.hasFrequencyPenalty(), s.getFrequencyPenalty());
        float presencePenalty = penalty(model, "sampling.presence_penalty", s.hasPresencePenalty(), s.getPresencePenalty());
        int n = s.hasN() ? s.getN() : 1;
        if (n < 1 || n > maxSamples) {
            throw invalid("sampling.n", "must be in [1, " + maxSamples + "], got " + n);
        }
        int context = model.engine().contextLength();
        int maxTokens = s.hasMaxTokens() ? s.getMaxTokens() : Math.min(model.defaultMaxTokens(), context);
        if (maxTokens < 1 || maxTokens > context) {
            throw invalid("sampling.max_tokens", "must be in [1, " + context + "] (the model's context), got " + maxTokens);
        }
        if (s.getStopCount() > MAX_STOP_STRINGS) {
            throw invalid("sampling.stop", "at most " + MAX_STOP_STRINGS + " stop strings, got " + s.getStopCount());
        }
        for (int i = 0; i < s.getStopCount(); i++) {
            String stop = s.getStop(i);
            if (stop.isEmpty() || stop.length() > MAX_STOP_LENGTH) {
                throw invalid("sampling.stop[" + i + "]", "must be 1.." + MAX_STOP_LENGTH + " characters, got " + stop.length());
            }
        }
        if (r.getOptions().getReturnLogprobs() && !model.engine().capabilities().logprobs()) {
            throw invalid("options.return_logprobs", "the " + model.kind() + " engine of model '"
                    + model.name() + "' does not return log-probabilities");
        }

        boolean prefill = r.getOptions().hasPrefillThink()
                ? r.getOptions().getPrefillThink() : model.template().prefillThinkByDefault();
        GenerationRequest.Input input = input(r, model, prefill);
        long seed = s.hasSeed() ? GenerationRequest.clampSeed(s.getSeed())
                : GenerationRequest.clampSeed(seeds.nextLong());
        var sampling = new GenerationRequest.Sampling(temperature, topP, topK, minP, frequencyPenalty, presencePenalty,
                seed, maxTokens, s.getStopList());
        return new GenerationRequest(model.name(), input, sampling, n, r.getPriority(), r.getRequestId(),
                r.getOptions().getReturnTokenIds());
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
            throw invalid(field, "the " + model.kind() + " engine of model '" + model.name()
                    + "' does not apply penalties");
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
            case PROMPT_TOKEN_IDS -> throw new ServerException.Unsupported("prompt_token_ids",
                    "model '" + model.name() + "': prompts as token ids are not served yet");
            case INPUT_NOT_SET -> throw invalid("prompt", "one of prompt or chat is required");
        };
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
    public GenerationRequest.Chat chat(List<dev.r1serve.proto.v1.ChatMessage> messages, HostedModel model, boolean prefill) {
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
                throw invalid("chat.messages[" + i + "].role", "must be system, user or assistant, got '"
                        + abbreviate(m.getRole()) + "'");
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

    private static ServerException.InvalidField invalid(String field, String problem) {
        return new ServerException.InvalidField(field, problem);
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }
}
