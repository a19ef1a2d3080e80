package dev.r1serve.reward.http;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * A refused HTTP request: the status, the field it is about (null when it is about the whole request), a message
 * that starts with that field, and a Retry-After for 429/503. Each route writes it in its protocol's error shape.
 */
final class HttpProblem extends RuntimeException {

    private final int status;
    private final String field;
    private final long retryAfterSeconds;

    HttpProblem(int status, String field, String message, long retryAfterSeconds) {
        super(message);
        this.status = status;
        this.field = field;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    static HttpProblem badRequest(String field, String message) {
        return new HttpProblem(400, field, message, 0);
    }

    int status() {
        return status;
    }

    String field() {
        return field;
    }

    long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** The gRPC status name this HTTP status stands for (Google's JSON error shape carries both). */
    String grpcStatus() {
        return switch (status) {
            case 400 -> "INVALID_ARGUMENT";
            case 413 -> "RESOURCE_EXHAUSTED"; // as gRPC refuses a message over its limit
            case 401 -> "UNAUTHENTICATED";
            case 404 -> "NOT_FOUND";
            case 405 -> "UNIMPLEMENTED";
            case 429 -> "RESOURCE_EXHAUSTED";
            case 503 -> "UNAVAILABLE";
            case 504 -> "DEADLINE_EXCEEDED";
            default -> "INTERNAL";
        };
    }

    /**
     * The RewardService's refusal as HTTP: INVALID_ARGUMENT 400 (its message starts with the field),
     * RESOURCE_EXHAUSTED 429 (sandbox queue full; retry in a second), anything else 500.
     */
    static HttpProblem of(StatusRuntimeException e) {
        Status s = e.getStatus();
        String msg = s.getDescription() == null ? s.getCode().toString() : s.getDescription();
        return switch (s.getCode()) {
            case INVALID_ARGUMENT -> badRequest(leadingField(msg), msg);
            case RESOURCE_EXHAUSTED -> new HttpProblem(429, null, msg, 1);
            case UNAVAILABLE -> new HttpProblem(503, null, msg, 1);
            default -> new HttpProblem(500, null, msg, 0);
        };
    }

    /** "rollouts[3].reference.answer is required" → "rollouts[3].reference.answer". */
    static String leadingField(String msg) {
        int end = 0;
        while (end < msg.length() && " :".indexOf(msg.charAt(end)) < 0) end++;
        return end == 0 ? null : msg.substring(0, end);
    }
}
