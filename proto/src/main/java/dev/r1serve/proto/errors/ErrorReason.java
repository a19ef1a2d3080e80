package dev.r1serve.proto.errors;

/**
 * Why the server refused or ended a call: the {@code reason} of the {@code google.rpc.ErrorInfo} it attaches
 * to every error status (domain {@link ErrorDetails#DOMAIN}), and the {@code code} of the OpenAI front's error
 * bodies in lower case. Clients branch on these, never on message text.
 */
public enum ErrorReason {
    /** A request field is missing or out of range; metadata {@code field} names it. INVALID_ARGUMENT. */
    INVALID_FIELD,
    /** The prompt does not fit the model's context; metadata {@code field}, {@code prompt_tokens}, {@code context_length}. INVALID_ARGUMENT. */
    PROMPT_TOO_LONG,
    /** The named model is not hosted here. NOT_FOUND. */
    MODEL_NOT_FOUND,
    /** The model cannot do what was asked (e.g. log-probabilities on an engine without them). FAILED_PRECONDITION. */
    UNSUPPORTED,
    /** The admission queue is full; retry after {@code retry-after-ms}. RESOURCE_EXHAUSTED. */
    OVERLOADED,
    /** The caller's rate budget is spent; retry after {@code retry-after-ms}. RESOURCE_EXHAUSTED. */
    RATE_LIMITED,
    /** The server is shutting down; retry on another replica. UNAVAILABLE. */
    DRAINING,
    /** The model's engine or backend cannot serve now. UNAVAILABLE. */
    BACKEND_UNAVAILABLE,
    /** The call ran past its deadline or the server's default timeout. DEADLINE_EXCEEDED. */
    DEADLINE_EXCEEDED,
    /** No or a wrong API key. UNAUTHENTICATED. */
    UNAUTHENTICATED,
    /** A bug on the server. INTERNAL. */
    INTERNAL
}
