package dev.r1serve.server.engine;

/**
 * How a sequence ended.
 *
 * @param error message when {@code reason} is ERROR, else null
 */
public record SequenceResult(FinishReason reason, int promptTokens, int completionTokens, String error) {

    public static SequenceResult failed(String error, int promptTokens, int completionTokens) {
        return new SequenceResult(FinishReason.ERROR, promptTokens, completionTokens, error);
    }
}
