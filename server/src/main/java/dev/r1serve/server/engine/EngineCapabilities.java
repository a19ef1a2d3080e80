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
 */
public record EngineCapabilities(boolean penalties, boolean logprobs, boolean tokenIds, boolean promptTokenIds,
                                 boolean rendersChat) {

    /** Text in, text out. */
    public static final EngineCapabilities TEXT_ONLY = new EngineCapabilities(false, false, false, false, false);
}
