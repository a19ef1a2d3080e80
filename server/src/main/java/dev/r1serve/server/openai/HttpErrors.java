package dev.r1serve.server.openai;

import dev.r1serve.proto.errors.ErrorReason;
import dev.r1serve.server.error.ServerException;
import java.util.Locale;

/**
 * The one place where a {@link ServerException} becomes an OpenAI error: HTTP status, OpenAI's error
 * {@code type}, the OpenAI parameter name as {@code param}, and the {@link ErrorReason} in lower case as
 * {@code code} (the same reason gRPC clients read from {@code ErrorInfo}).
 */
final class HttpErrors {

    private HttpErrors() {}

    static OpenAiException toOpenAi(ServerException e) {
        String m = e.getMessage();
        return switch (e) {
            case ServerException.InvalidField f ->
                new OpenAiException(
                        400, "invalid_request_error", openAiParam(f.field()), code(ErrorReason.INVALID_FIELD), m, 0);
            case ServerException.PromptTooLong p ->
                new OpenAiException(
                        400, "invalid_request_error", openAiParam(p.field()), code(ErrorReason.PROMPT_TOO_LONG), m, 0);
            case ServerException.ModelNotFound n ->
                new OpenAiException(404, "invalid_request_error", "model", code(ErrorReason.MODEL_NOT_FOUND), m, 0);
            case ServerException.Unsupported u ->
                new OpenAiException(
                        400, "invalid_request_error", openAiParam(u.field()), code(ErrorReason.UNSUPPORTED), m, 0);
            case ServerException.Overloaded o ->
                new OpenAiException(
                        429, "rate_limit_exceeded", null, code(ErrorReason.OVERLOADED), m, o.retryAfterMillis());
            case ServerException.RateLimited r ->
                new OpenAiException(
                        429, "rate_limit_exceeded", null, code(ErrorReason.RATE_LIMITED), m, r.retryAfterMillis());
            case ServerException.Draining d ->
                new OpenAiException(
                        503, "service_unavailable", null, code(ErrorReason.DRAINING), m, d.retryAfterMillis());
            case ServerException.BackendUnavailable b ->
                new OpenAiException(
                        503,
                        "service_unavailable",
                        null,
                        code(ErrorReason.BACKEND_UNAVAILABLE),
                        m,
                        b.retryAfterMillis());
            case ServerException.DeadlineExceeded d ->
                new OpenAiException(504, "timeout", null, code(ErrorReason.DEADLINE_EXCEEDED), m, 0);
        };
    }

    static String code(ErrorReason reason) {
        return reason.name().toLowerCase(Locale.ROOT);
    }

    /** Our field paths ("sampling.top_p", "chat.messages[2].role") as OpenAI parameter names. */
    static String openAiParam(String field) {
        if (field == null) {
            return null;
        }
        return field.replace("sampling.", "")
                .replace("options.return_logprobs", "logprobs")
                .replace("options.top_logprobs", "top_logprobs")
                .replace("chat.messages", "messages")
                .replace("chat", "messages");
    }
}
