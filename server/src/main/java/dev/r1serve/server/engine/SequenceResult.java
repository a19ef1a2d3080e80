package dev.r1serve.server.engine;

/**
 * How a sequence ended.
 *
 * @param completionTokens tokens the engine sampled for this sequence, one per decoding step (an end-of-generation
 *     token included), never a re-tokenisation of the text
 * @param error message when {@code reason} is ERROR, else null
 * @param promptTokensCached prompt tokens the engine did not evaluate because their KV cache was already there (a
 *     slot's previous prompt or another sample of the same prompt); 0 when unknown
 */
public record SequenceResult(
        FinishReason reason, int promptTokens, int completionTokens, String error, int promptTokensCached) {

    public SequenceResult(FinishReason reason, int promptTokens, int completionTokens, String error) {
        this(reason, promptTokens, completionTokens, error, 0);
    }

    public static SequenceResult failed(String error, int promptTokens, int completionTokens) {
        return new SequenceResult(FinishReason.ERROR, promptTokens, completionTokens, error);
    }

    /** The same counts with another reason (and error). */
    public SequenceResult withReason(FinishReason r, String e) {
        return new SequenceResult(r, promptTokens, completionTokens, e, promptTokensCached);
    }
}
