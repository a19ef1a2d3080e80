package dev.r1serve.client;

/** Why a sample ended. */
public enum FinishReason {
    /** A stop string was generated. */
    STOP,
    /** max_tokens or the context was reached. */
    LENGTH,
    /** The model ended its answer. */
    EOS,
    /** The call was cancelled or ran past its deadline. */
    CANCELLED,
    /** The engine failed on this sample. */
    ERROR,
    /** A server newer than this client sent a reason it does not know. */
    UNKNOWN;

    static FinishReason of(dev.r1serve.proto.v1.FinishReason r) {
        return switch (r) {
            case FINISH_REASON_STOP -> STOP;
            case FINISH_REASON_LENGTH -> LENGTH;
            case FINISH_REASON_EOS -> EOS;
            case FINISH_REASON_CANCELLED -> CANCELLED;
            case FINISH_REASON_ERROR -> ERROR;
            default -> UNKNOWN;
        };
    }
}
