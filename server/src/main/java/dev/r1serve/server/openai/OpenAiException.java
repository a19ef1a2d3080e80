package dev.r1serve.server.openai;

/**
 * A refusal in OpenAI's error shape: {@code {"error": {"message", "type", "param", "code"}}} with an HTTP
 * status. {@code retryAfterMillis} (when positive) becomes {@code Retry-After} on 429 and 503 answers.
 */
final class OpenAiException extends RuntimeException {

    private final int httpStatus;
    private final String type;
    private final String param;
    private final String code;
    private final long retryAfterMillis;

    OpenAiException(int httpStatus, String type, String param, String code, String message, long retryAfterMillis) {
        super(message, null, false, false);
        this.httpStatus = httpStatus;
        this.type = type;
        this.param = param;
        this.code = code;
        this.retryAfterMillis = retryAfterMillis;
    }

    /** HTTP 400 naming the offending JSON field. */
    static OpenAiException badRequest(String param, String message) {
        return new OpenAiException(400, "invalid_request_error", param, null, message, 0);
    }

    int httpStatus() {
        return httpStatus;
    }

    String type() {
        return type;
    }

    String param() {
        return param;
    }

    String code() {
        return code;
    }

    long retryAfterMillis() {
        return retryAfterMillis;
    }
}
