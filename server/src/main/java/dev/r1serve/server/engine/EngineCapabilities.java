package dev.r1serve.server.engine;

/**
 * What an engine can do beyond generating text, declared by the engine itself; validation refuses a
 * request that needs a capability its model's engine lacks, naming the field, instead of ignoring it.
 *
 * @param penalties applies OpenAI's frequency and presence penalties
 * @param logprobs returns the log-probability of each sampled token
 * @param tokenIds returns the ids of the generated tokens
 * @param promptTokenIds takes a prompt given as token ids
 * @param rendersChat the backend renders chats with its own template ({@link SequenceSpec#chat()})
 * @param logprobsMode which distribution log-probabilities come from, as vLLM's {@code logprobs_mode} names it
 *     ({@link #RAW_LOGPROBS}, {@link #PROCESSED_LOGPROBS}); empty without logprobs
 * @param maxTopLogprobs the most alternatives per position the engine returns (0: only the sampled token)
 * @param logprobsUnavailableReason why {@code logprobs} is false, for refusals and ListModels; empty otherwise
 */
public record EngineCapabilities(
        boolean penalties,
        boolean logprobs,
        boolean tokenIds,
        boolean promptTokenIds,
        boolean rendersChat,
        String logprobsMode,
        int maxTopLogprobs,
        String logprobsUnavailableReason) {

    /** Log-probabilities of the model's own distribution: logits before temperature, penalties, top-k/top-p. */
    public static final String RAW_LOGPROBS = "raw_logprobs";
    /** Log-probabilities of the distribution sampled from: after temperature, penalties, top-k/top-p. */
    public static final String PROCESSED_LOGPROBS = "processed_logprobs";

    /** Text in, text out. */
    public static final EngineCapabilities TEXT_ONLY = new EngineCapabilities(false, false, false, false, false);

    public EngineCapabilities {
        logprobsMode = logprobsMode == null ? "" : logprobsMode;
        logprobsUnavailableReason = logprobsUnavailableReason == null ? "" : logprobsUnavailableReason;
        if (logprobs && logprobsMode.isEmpty()) {
            throw new IllegalArgumentException("an engine with logprobs names their distribution (logprobsMode)");
        }
    }

    /** Without log-probabilities (no reason given). */
    public EngineCapabilities(
            boolean penalties, boolean logprobs, boolean tokenIds, boolean promptTokenIds, boolean rendersChat) {
        this(
                penalties,
                logprobs,
                tokenIds,
                promptTokenIds,
                rendersChat,
                logprobs ? RAW_LOGPROBS : "",
                logprobs ? 20 : 0,
                "");
    }

    /** The same, with log-probabilities of {@code mode}, up to {@code maxTop} alternatives per position. */
    public EngineCapabilities withLogprobs(String mode, int maxTop) {
        return new EngineCapabilities(penalties, true, tokenIds, promptTokenIds, rendersChat, mode, maxTop, "");
    }

    /** The same, without log-probabilities, for {@code reason}. */
    public EngineCapabilities withoutLogprobs(String reason) {
        return new EngineCapabilities(penalties, false, tokenIds, promptTokenIds, rendersChat, "", 0, reason);
    }
}
