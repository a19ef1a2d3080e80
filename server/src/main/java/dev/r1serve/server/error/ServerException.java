package dev.r1serve.server.error;

/**
 * Every refusal the server gives a caller, whichever front it came through. The set is closed: each front
 * maps it exhaustively once ({@code api.GrpcErrors} to statuses with {@code google.rpc.ErrorInfo},
 * {@code openai.HttpErrors} to OpenAI error bodies), so a new kind of refusal does not compile until both
 * say how to answer it. Messages name the offending field first ("sampling.top_p: must be in (0, 1]").
 */
public abstract sealed class ServerException extends RuntimeException {

    private ServerException(String message) {
        super(message, null, false, false);
    }

    /** A request field is missing or out of range. */
    public static final class InvalidField extends ServerException {
        private final String field;

        public InvalidField(String field, String problem) {
            super(field + ": " + problem);
            this.field = field;
        }

        /** The field's path in the gRPC request, e.g. {@code sampling.stop[2]} or {@code chat.messages[0].role}. */
        public String field() {
            return field;
        }
    }

    /** The prompt does not fit the model's context. */
    public static final class PromptTooLong extends ServerException {
        private final String field;
        private final int promptTokens;
        private final int contextLength;

        public PromptTooLong(String field, String model, int promptTokens, int contextLength) {
            super(field + ": the prompt has " + promptTokens + " tokens; model '" + model + "' has a context of "
                    + contextLength + " per sequence");
            this.field = field;
            this.promptTokens = promptTokens;
            this.contextLength = contextLength;
        }

        public String field() {
            return field;
        }

        public int promptTokens() {
            return promptTokens;
        }

        public int contextLength() {
            return contextLength;
        }
    }

    /** No model of that name is hosted here. */
    public static final class ModelNotFound extends ServerException {
        public ModelNotFound(String model) {
            super("model: '" + model + "' is not hosted here (see ListModels)");
        }
    }

    /** The model's engine cannot do what a field asks for (log-probabilities, penalties). */
    public static final class Unsupported extends ServerException {
        private final String field;

        public Unsupported(String field, String problem) {
            super(field + ": " + problem);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    /** A refusal the caller should retry after a while. */
    public abstract static sealed class Retryable extends ServerException {
        private final long retryAfterMillis;

        private Retryable(String message, long retryAfterMillis) {
            super(message);
            this.retryAfterMillis = retryAfterMillis;
        }

        public long retryAfterMillis() {
            return retryAfterMillis;
        }
    }

    /** The model's admission queue is full. */
    public static final class Overloaded extends Retryable {
        public Overloaded(String message, long retryAfterMillis) {
            super(message, retryAfterMillis);
        }
    }

    /** The caller's rate budget is spent. */
    public static final class RateLimited extends Retryable {
        public RateLimited(String message, long retryAfterMillis) {
            super(message, retryAfterMillis);
        }
    }

    /** The server is draining: retry on another replica. */
    public static final class Draining extends Retryable {
        public Draining() {
            super("server is draining: retry on another replica", 1000);
        }
    }

    /** The model's engine or backend cannot serve now. */
    public static final class BackendUnavailable extends Retryable {
        public BackendUnavailable(String message) {
            super(message, 1000);
        }
    }

    /** The call ran past its deadline or the server's default timeout. */
    public static final class DeadlineExceeded extends ServerException {
        public DeadlineExceeded(String message) {
            super(message);
        }
    }
}
